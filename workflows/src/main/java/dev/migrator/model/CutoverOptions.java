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
   * Where read_only alone lets privileged accounts write (MariaDB's READ_ONLY ADMIN, MySQL's
   * SUPER/CONNECTION_ADMIN without super_read_only): "auto" holds a global read lock (FLUSH TABLES
   * WITH READ LOCK) from the drain until traffic is switched; "none" relies on read_only and the
   * proof that the source stood still.
   */
  public String sourceWriteLock = "auto";
  /** Longest wait for the global read lock (a long-running statement on the source holds it up). */
  public int lockWaitSeconds = 10;
  /**
   * A cutover that fails before replication is stopped makes the source writable again before it
   * pauses (the migration goes on replicating); true keeps it read-only for the operator instead.
   */
  public boolean keepSourceReadOnlyOnFailure = false;

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
