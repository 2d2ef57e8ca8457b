package dev.migrator.model;

/** Replication from the source to the target after the copy. */
public class ReplicationOptions {
  /** Replication account on the source. */
  public String user = "migrator_repl";
  /** Credential reference for the replication account's password. */
  public String password;
  /** Create the account on the source if it does not exist (the compensation drops it again). */
  public boolean createUser = true;
  /**
   * Keep the replication account migrator created on the source after the migration finished
   * (by default it is dropped then: nothing needs it any more). An account that existed before
   * the migration is never dropped.
   */
  public boolean keepAccount;
  /**
   * Makes TLS on the replication channel mandatory. The channel uses TLS whenever the primary
   * offers it anyway (SOURCE_SSL/MASTER_SSL = 1, RDS ssl_encryption = 1, the account created
   * REQUIRE SSL); with {@code ssl} a primary without TLS blocks at preflight instead of
   * replicating in clear with a warning.
   */
  public boolean ssl = false;
  /**
   * Path of a CA bundle <em>on the target server</em> (SOURCE_SSL_CA/MASTER_SSL_CA): the target
   * checks the source's certificate, and its name too when the source endpoint is
   * {@code verify-identity}. Self-managed targets only (RDS/Aurora import their CA material
   * themselves). Implies {@link #ssl}. Not used by the reverse channel (a path on the target).
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
