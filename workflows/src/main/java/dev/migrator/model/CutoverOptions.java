package dev.migrator.model;

/** Approval and cutover. */
public class CutoverOptions {
  /** Approve automatically when caught up (rehearsals and the demo). */
  public boolean autoApprove = false;
  /** Approval is refused while replication lag is above this many seconds. */
  public int maxLagSecondsForApproval = 30;
  /** Longest wait, after the source is read-only, for the target to reach the final position. */
  public int drainTimeoutSeconds = 300;
}
