package dev.migrator.dialect;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.mysql.ServerInfo;
import java.util.List;
import java.util.Map;

/**
 * Everything that differs between kinds of server, in one place: the statements each kind takes
 * for the binary log, the replica and its status columns, replication control, read-only,
 * retention, the consistent snapshot, unlogged sessions and GTID sets. One subclass per kind:
 * {@link MySqlDialect} (self-managed MySQL, by version: 8.0 before/after the 8.0.22/8.0.23
 * renames, 8.2+/8.4 without the MASTER/SLAVE syntax, 9.x and the calendar versions 26.x),
 * {@link MariaDbDialect} (10.x, 11.x) and {@link RdsDialect} (RDS for MySQL 8.0/8.4, Aurora MySQL
 * 3: the {@code mysql.rds_*} procedures the server has). {@link Dialects#detect} picks one from
 * the endpoint's flavor and what the server says about itself.
 *
 * <p>Methods return statements ({@link SqlStatement}) and never touch a connection, so the SQL of
 * every kind is unit-tested without a server ({@code DialectSqlTest}).
 */
public abstract class Dialect {
  /** The kind of server. */
  public enum Kind {
    MYSQL,
    MARIADB,
    RDS_MYSQL,
    AURORA_MYSQL
  }

  /** How a consistent snapshot of a live server gets its exact binlog coordinates. */
  public enum Snapshot {
    /** MariaDB: START TRANSACTION WITH CONSISTENT SNAPSHOT, then SHOW STATUS LIKE 'binlog_snapshot_%' (no lock). */
    BINLOG_SNAPSHOT_STATUS,
    /**
     * MySQL 8.0.14+: LOCK INSTANCE FOR BACKUP (blocks DDL, not DML) held for the copy, and the
     * snapshot opened between two equal reads of performance_schema.log_status (no commit in
     * between, so its coordinates are exact); retried while commits land in between.
     */
    BACKUP_LOCK_LOG_STATUS,
    /** Older MySQL: a brief FLUSH TABLES WITH READ LOCK around the snapshot start. */
    GLOBAL_READ_LOCK
  }

  protected final ServerInfo version;

  protected Dialect(ServerInfo version) {
    this.version = version;
  }

  public ServerInfo version() {
    return version;
  }

  public abstract Kind kind();

  public boolean isMariaDb() {
    return kind() == Kind.MARIADB;
  }

  /** RDS for MySQL or Aurora MySQL: no SUPER, the mysql.rds_* procedures, parameter groups. */
  public boolean isManaged() {
    return kind() == Kind.RDS_MYSQL || kind() == Kind.AURORA_MYSQL;
  }

  /** "MySQL 9.7.4", "MariaDB 10.11.6", "Aurora MySQL 3 (MySQL 8.0.39)". */
  public String describe() {
    return version.describe();
  }

  @Override
  public String toString() {
    return describe();
  }

  // ---- binary log -----------------------------------------------------------------------------

  /** The statement that shows the current binlog file and position (and GTID set on MySQL). */
  public abstract String binlogStatus();

  /** Coordinates from a row of {@link #binlogStatus()}; null when the binary log is off (no row). */
  public BinlogCoordinates coordinates(Map<String, String> row) {
    if (row == null || row.get("File") == null) return null;
    String gtid = row.get("Executed_Gtid_Set");
    return new BinlogCoordinates(row.get("File"), Long.parseLong(row.get("Position")),
        gtid == null || gtid.isBlank() ? null : gtid.replace("\n", ""));
  }

  /** The query for the server's executed GTID set (MySQL gtid_executed, MariaDB gtid_binlog_pos). */
  public abstract String gtidExecuted();

  /** The query whose single value says whether GTIDs are on ("ON"); MariaDB always has them. */
  public abstract String gtidMode();

  /** Removes everything from the binary log and the GTID history: only for throwaway servers (tests). */
  public abstract String resetBinaryLogs();

  // ---- replica ------------------------------------------------------------------------------

  public abstract String replicaStatus();

  public abstract ReplicaColumns replicaColumns();

  /**
   * Points this server at {@code channel}'s source: from {@code from} (file/position) or, with
   * {@code autoPosition}, by GTID. The statements expect replication stopped and reset.
   */
  public abstract List<SqlStatement> changeSource(ReplicationChannel channel, BinlogCoordinates from,
      boolean autoPosition);

  /** Limits replication to {@code schemas}; empty where the filter is not ours to set (RDS: parameter group). */
  public abstract List<SqlStatement> replicationFilter(List<String> schemas);

  /** True where the filter lives in a parameter group and can only be checked ({@link RdsDialect}). */
  public boolean filterIsParameter() {
    return false;
  }

  public abstract SqlStatement startReplica();

  public abstract SqlStatement stopReplica();

  /** Starts or stops only the applier (SQL) thread: a stopped replica's contents match its executed position. */
  public abstract SqlStatement applier(boolean start);

  /** Stops replication and forgets its configuration and filter. */
  public abstract List<SqlStatement> resetReplica();

  /**
   * After {@link #resetReplica}, when the server is done replicating: forgets the position it
   * replicated to as well (MariaDB's gtid_slave_pos; nothing elsewhere: RESET REPLICA ALL forgets
   * all). Not part of the reset itself: it writes a table, which a global read lock would block.
   */
  public List<SqlStatement> forgetReplicaPosition() {
    return List.of();
  }

  /**
   * Skips the one transaction the applier stopped on and starts again: by the skip counter, or
   * with GTIDs on ({@code failedGtid} known) by committing an empty transaction with its GTID.
   */
  public abstract List<SqlStatement> skipOneEvent(boolean gtidOn, String failedGtid);

  /** Moves the receiver to position 4 of the file after {@code failedFile} and starts again. */
  public abstract List<SqlStatement> nextLog(String failedFile);

  /**
   * Makes this (empty-history) server count {@code gtidSet} as applied, so that auto-position
   * asks its source only for what came after the frozen copy. A logical copy leaves
   * gtid_executed without the copied transactions; this adds them.
   *
   * @throws UnsupportedOperationException with the reason where the server cannot
   */
  public abstract List<SqlStatement> addGtidPurged(String gtidSet);

  // ---- writes -------------------------------------------------------------------------------

  /** MySQL's super_read_only (also stops SUPER/CONNECTION_ADMIN); MariaDB has none. */
  public abstract boolean hasSuperReadOnly();

  /**
   * SET GLOBAL read_only.
   *
   * @throws UnsupportedOperationException on RDS/Aurora (parameter group: the read-only hook), with the reason
   */
  public abstract SqlStatement readOnly(boolean on);

  /** SET GLOBAL super_read_only where it exists (on after read_only, off before it); null elsewhere. */
  public SqlStatement superReadOnly(boolean on) {
    return hasSuperReadOnly() ? SqlStatement.of("SET GLOBAL super_read_only = " + (on ? "ON" : "OFF")) : null;
  }

  /** The privileges that let an account write through read_only (super_read_only off). */
  public abstract List<String> readOnlyBypassPrivileges();

  /** The process list table: performance_schema.processlist on MySQL 8.0.22+ (the I_S one is deprecated). */
  public abstract String processlist();

  /** Makes this session's statements unlogged (so they never replicate); may be refused (RDS). */
  public SqlStatement unloggedSession() {
    return SqlStatement.of("SET SESSION sql_log_bin = 0");
  }

  // ---- retention ----------------------------------------------------------------------------

  /** The global variables that say how long binlogs are kept, in order of precedence. */
  public abstract List<String> retentionVariables();

  /** RDS/Aurora: 'binlog retention hours'; null elsewhere (the server's owner sets it). */
  public SqlStatement setRetentionHours(Integer hours) {
    return null;
  }

  /** RDS/Aurora: the query listing rds configuration (name, value). */
  public String showRetention() {
    return null;
  }

  // ---- snapshot, clone, checks -----------------------------------------------------------------

  public abstract Snapshot snapshot();

  /** The clone plugin can be used (self-managed MySQL 8.0.17+). */
  public boolean hasClone() {
    return false;
  }

  /** The default collation of utf8mb4 (utf8mb4_0900_ai_ci on MySQL 8+, which MariaDB lacks). */
  public abstract String defaultUtf8mb4Collation();

  protected static String likeEscaped(String schema) {
    return schema.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%";
  }
}
