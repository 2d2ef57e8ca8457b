package dev.migrator.model;

/** Replication from the source to the target after the copy. */
public class ReplicationOptions {
  /** Replication account on the source. */
  public String user = "migrator_repl";
  /** Credential reference for the replication account's password. */
  public String password;
  /** Create the account on the source if it does not exist (the compensation drops it again). */
  public boolean createUser = true;
  /** Use SSL for the replication connection (MASTER_SSL=1 / rds ssl_encryption=1). */
  public boolean ssl = false;
  /**
   * Path of a CA bundle <em>on the target server</em> (MASTER_SSL_CA); self-managed targets only
   * (RDS/Aurora import their CA material themselves). Implies {@link #ssl}.
   */
  public String sslCaFile;
  /**
   * Position by GTID instead of the captured file/position (MySQL MASTER_AUTO_POSITION=1 /
   * rds_set_external_master_with_auto_position; MariaDB MASTER_USE_GTID=slave_pos).
   */
  public boolean gtidAutoPosition = false;
  /** Seconds the IO thread waits between reconnect attempts (MASTER_CONNECT_RETRY). */
  public int connectRetrySeconds = 5;
  /** Seconds between lag polls. */
  public int pollSeconds = 2;
  /** How many consecutive caught-up polls prove that the target is caught up. */
  public int stablePolls = 2;
  /**
   * Shortest time between two lag reports from the catch-up child workflow to the migration
   * (what {@code status} shows while catching up). Bounds the migration's history growth.
   */
  public int lagReportSeconds = 600;
  /**
   * Optional heartbeat: each lag poll writes the worker's clock into
   * {@code <heartbeatSchema>.heartbeat} on the source and reads back what the target has applied,
   * giving end-to-end lag in milliseconds. The schema is replicated (added to the filter; on
   * RDS/Aurora it must be in the parameter group's replicate-wild-do-table) and dropped on both
   * sides when replication is reset.
   */
  public boolean heartbeat = false;

  public String heartbeatSchema = "migrator_heartbeat";
  /** Polls per run of the catch-up child workflow before it continues as new. */
  public int pollsPerRun = 100;
}
