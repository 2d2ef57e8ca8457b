package dev.migrator.model;

/** What the cutover did and how long writes were refused. */
public class CutoverResult {
  /** The source's final binlog position after writes stopped; the target executed exactly this. */
  public BinlogCoordinates finalPosition;

  /** When the source stopped taking writes (epoch millis, worker clock). */
  public long sourceReadOnlyAtMillis;
  /** When the target became writable (epoch millis, worker clock). */
  public long targetWritableAtMillis;
  /**
   * Writes were refused for this long: from the moment the source refused writes (of the attempt
   * that succeeded, including any pause in between) until the target accepted them.
   */
  public long writeDowntimeMillis;
  /** Writes refused during earlier cutover attempts that failed and made the source writable again. */
  public long failedAttemptsDowntimeMillis;
  /** Cutover attempts that failed before the successful one. */
  public int failedAttempts;
  /** How writes were stopped on the source (see SourceFence.how). */
  public String sourceStoppedBy;
  /** The source's position re-read after the target reached finalPosition and replication stopped: equal. */
  public BinlogCoordinates provenPosition;

  /** Target position reverse replication started from, when it was requested. */
  public BinlogCoordinates reverseFrom;
  /**
   * Where the source's enabled events run now, e.g. "enabled on the target, disabled on the source:
   * [shop.nightly]" (after a switch back: on the source); null when the migration moves none.
   */
  public String events;
  /** What the traffic switch did (its own description), when one is configured. */
  public String trafficSwitch;
}
