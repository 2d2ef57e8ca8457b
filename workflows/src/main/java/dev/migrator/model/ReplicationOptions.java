package dev.migrator.model;

/** Replication from the source to the target after the copy. */
public class ReplicationOptions {
  /** Replication account on the source. */
  public String user = "migrator_repl";
  /** Credential reference for the replication account's password. */
  public String password;
  /** Create the account on the source if it does not exist (the compensation drops it again). */
  public boolean createUser = true;
  /** Use SSL for the replication connection (with the source endpoint's CA file when set). */
  public boolean ssl = false;
  /**
   * Replicate with GTID auto-position instead of binlog file/position. Preflight checks that both
   * sides are ready for it (gtid_mode, enforce_gtid_consistency, no MariaDB/MySQL mix); the
   * replication step of this build still uses file/position.
   */
  public boolean gtidAutoPosition = false;
  /** Seconds between lag polls. */
  public int pollSeconds = 2;
  /** How many consecutive caught-up polls prove that the target is caught up. */
  public int stablePolls = 2;
}
