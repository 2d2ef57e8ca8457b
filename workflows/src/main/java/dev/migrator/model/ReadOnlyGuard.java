package dev.migrator.model;

/**
 * What the replicate step did to keep the target read-only from replication until the cutover:
 * only replication threads (and, without super_read_only, privileged accounts) may write there.
 */
public class ReadOnlyGuard {
  /** What is in force: "read_only + super_read_only", "read_only", "read-only hook (...)", or "none". */
  public String how;
  /** False when nothing could be done (RDS/Aurora target without a readOnlyHook): the status says so. */
  public boolean guarded;
  /** Why the guard is weaker than super_read_only, when it is. */
  public String note;

  @Override
  public String toString() {
    return how;
  }
}
