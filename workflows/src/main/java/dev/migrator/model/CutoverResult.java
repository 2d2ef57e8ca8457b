package dev.migrator.model;

/** What the cutover did and how long writes were refused. */
public class CutoverResult {
  /** The source's final binlog position after writes stopped; the target executed exactly this. */
  public BinlogCoordinates finalPosition;

  /** When the source stopped taking writes (epoch millis, worker clock). */
  public long sourceReadOnlyAtMillis;
  /** When the target became writable (epoch millis, worker clock). */
  public long targetWritableAtMillis;
  /** Writes were refused for this long: source read-only until target writable. */
  public long writeDowntimeMillis;

  /** Target position reverse replication started from, when it was requested. */
  public BinlogCoordinates reverseFrom;
  /** What the traffic switch did (its own description), when one is configured. */
  public String trafficSwitch;
}
