package dev.migrator.model;

/** Approval and cutover. */
public class CutoverOptions {
  /** Approve automatically when caught up (rehearsals and the demo). */
  public boolean autoApprove = false;
  /** Approval is refused while replication lag is above this many seconds. */
  public int maxLagSecondsForApproval = 30;
  /** Optional ISO-8601 instant (e.g. "2026-11-23T02:00:00Z"): the cutover does not start before it. */
  public String notBefore;
  /** Optional ISO-8601 instant: after it the cutover does not start (the migration pauses instead). */
  public String notAfter;
  /** Longest wait, after the source is read-only, for the target to reach the final position. */
  public int drainTimeoutSeconds = 300;

  /**
   * After cutover, replicate target -> source so that a rollback loses no write made on the
   * target (seed 001). Needs the binary log on the target and the replication account there.
   */
  public boolean reverseReplication = false;
  /** Seconds to wait after cutover, with reverse replication running, before finishing. */
  public int gracePeriodSeconds = 0;
  /** Optional hook that moves application traffic to the target (and back on rollback). */
  public TrafficSwitch trafficSwitch;
}
