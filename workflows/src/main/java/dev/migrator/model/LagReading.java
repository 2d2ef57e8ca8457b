package dev.migrator.model;

/** One lag poll: the replica's status against the source's current position. */
public class LagReading {
  public static final String MOVING = "moving";
  public static final String CAUGHT_UP = "caught-up";
  /** Position and lag did not move, but the SQL thread is busy with a long-running event. */
  public static final String SLOW = "slow";
  /** Position and lag did not move and nothing is running on the target. */
  public static final String STUCK = "stuck";
  public static final String ERROR = "error";

  public ReplicationStatus replica;
  public BinlogCoordinates sourcePosition;
  /** The replica has executed at least the source's position read just before. */
  public boolean caughtUp;
  /**
   * Plain-language diagnosis: of the error when a thread has stopped with one, or of a position
   * that does not move ("slow: long-running event ..." / "stuck: ..."); null when healthy.
   */
  public String diagnosis;
  /**
   * What an operator should know while nothing is to decide yet, in one line; for now a source
   * outage: "source unreachable for 40 s (ERROR 2003 ...); replication retries every 5 s". Null
   * when there is nothing to say.
   */
  public String note;
  /** Error class: log-purged, impossible-position, duplicate-key, missing-row, connect, access-denied, other. */
  public ReplicationErrorKind errorKind;
  /** moving, caught-up, slow, stuck or error (see the constants). */
  public String progress;

  /** Worker clock when the reading was taken (an activity result, so deterministic for workflows). */
  public long polledAtMillis;
  /**
   * With replication.heartbeat: milliseconds between the worker writing the heartbeat row on the
   * source and this poll, for the newest heartbeat the target has applied (worker clock only, so
   * no clock skew); null without heartbeat or before the first one arrived.
   */
  public Long heartbeatLagMillis;
  /** Lag trend over the last readings, computed by the catch-up workflow; null from activities. */
  public LagTrend trend;
  /** Polls made by the catch-up workflow so far (all its runs), and its current run (continue-as-new). */
  public int catchUpPolls;

  public int catchUpRun;

  /**
   * What the approval gate decides on, in one word: "error:KIND", "threads" (not both running),
   * "lag" (unknown or above {@code maxLagSeconds}) or "ok". A change of it is worth a report.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public String gateState(int maxLagSeconds) {
    if (errorKind != null) return "error:" + errorKind;
    if (replica == null || !replica.ioRunning || !replica.sqlRunning) return "threads";
    if (replica.secondsBehind == null || replica.secondsBehind > maxLagSeconds) return "lag";
    return "ok";
  }
}
