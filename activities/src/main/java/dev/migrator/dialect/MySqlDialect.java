package dev.migrator.dialect;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.mysql.ReplicationTls;
import dev.migrator.mysql.ServerInfo;
import dev.migrator.mysql.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Self-managed Oracle MySQL (and Percona Server), by version:
 * <ul>
 *   <li>before 8.0.22: SHOW SLAVE STATUS with Master/Slave columns, START/STOP SLAVE;
 *   <li>8.0.22: SHOW REPLICA STATUS (Replica_*, *_Source_*, Seconds_Behind_Source), START/STOP REPLICA;
 *   <li>8.0.23: CHANGE REPLICATION SOURCE TO ... SOURCE_*, GET_SOURCE_PUBLIC_KEY;
 *   <li>8.0.26: sql_replica_skip_counter;
 *   <li>8.2: SHOW BINARY LOG STATUS, RESET BINARY LOGS AND GTIDS (8.4 and 9.x: the old
 *       SHOW MASTER STATUS / CHANGE MASTER TO / START SLAVE / RESET MASTER are syntax errors);
 *   <li>9.x and the calendar versions 26.x: as 8.4 (expire_logs_days gone, no mysql_native_password).
 * </ul>
 */
public class MySqlDialect extends Dialect {
  /** SOURCE_RETRY_COUNT: the IO thread's connection attempts before it stops (86400, the pre-8.4 default). */
  static final int RETRY_COUNT = 86400;


  public MySqlDialect(ServerInfo version) {
    super(version);
  }

  @Override
  public Kind kind() {
    return Kind.MYSQL;
  }

  /** REPLICA/SOURCE status names and START/STOP REPLICA (8.0.22). */
  protected boolean replicaNames() {
    return version.atLeast(8, 0, 22);
  }

  /** CHANGE REPLICATION SOURCE TO (8.0.23). */
  protected boolean sourceSyntax() {
    return version.atLeast(8, 0, 23);
  }

  protected String p() {
    return sourceSyntax() ? "SOURCE_" : "MASTER_";
  }

  @Override
  public String binlogStatus() {
    return version.atLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
  }

  @Override
  public String gtidExecuted() {
    return "SELECT @@GLOBAL.gtid_executed";
  }

  @Override
  public String gtidMode() {
    return "SELECT @@GLOBAL.gtid_mode";
  }

  @Override
  public String resetBinaryLogs() {
    return version.atLeast(8, 2, 0) ? "RESET BINARY LOGS AND GTIDS" : "RESET MASTER";
  }

  @Override
  public String replicaStatus() {
    return replicaNames() ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
  }

  @Override
  public ReplicaColumns replicaColumns() {
    return replicaNames() ? ReplicaColumns.SOURCE_REPLICA : ReplicaColumns.MASTER_SLAVE;
  }

  @Override
  public List<SqlStatement> changeSource(ReplicationChannel ch, BinlogCoordinates from, boolean autoPosition) {
    String p = p();
    StringBuilder sql = new StringBuilder(sourceSyntax() ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ");
    List<Object> params = new ArrayList<>(List.of(ch.host(), ch.port(), ch.user(),
        new SqlStatement.Secret(ch.password() == null ? "" : ch.password())));
    sql.append(p).append("HOST = ?, ").append(p).append("PORT = ?, ").append(p).append("USER = ?, ")
        .append(p).append("PASSWORD = ?");
    if (autoPosition) {
      sql.append(", ").append(p).append("AUTO_POSITION = 1");
    } else {
      if (from == null) throw new IllegalArgumentException("no binlog coordinates to start from");
      sql.append(", ").append(p).append("LOG_FILE = ?, ").append(p).append("LOG_POS = ?, ").append(p)
          .append("AUTO_POSITION = 0");
      params.add(from.file);
      params.add(from.position);
    }
    sql.append(", ").append(p).append("CONNECT_RETRY = ").append(Math.max(1, ch.connectRetrySeconds()));
    // MySQL 8.0.23+ gives up after 10 attempts (SOURCE_RETRY_COUNT's default): a source outage of a
    // minute would stop the IO thread for good. Keep retrying, as MariaDB does (master_retry_count).
    sql.append(", ").append(p).append("RETRY_COUNT = ").append(RETRY_COUNT);
    // TLS as the channel's ReplicationTls says, always explicit (RESET REPLICA ALL leaves the server's defaults).
    ReplicationTls.Clause tls = ch.tls().changeSourceClause(sourceSyntax() ? ReplicationTls.ReplicaKind.MYSQL
        : ReplicationTls.ReplicaKind.MYSQL_LEGACY);
    sql.append(tls.sql());
    params.addAll(tls.params());
    if (!ch.ssl() && ch.secureAuthSource() && version.atLeast(8, 0, 4)) {
      // caching_sha2_password over a plain connection: the replica fetches the source's RSA key.
      sql.append(", ").append(sourceSyntax() ? "GET_SOURCE_PUBLIC_KEY" : "GET_MASTER_PUBLIC_KEY").append(" = 1");
    }
    return List.of(new SqlStatement(sql.toString(), params));
  }

  @Override
  public List<SqlStatement> replicationFilter(List<String> schemas) {
    return List.of(SqlStatement.of("CHANGE REPLICATION FILTER REPLICATE_WILD_DO_TABLE = ("
        + schemas.stream().map(s -> Sql.literal(likeEscaped(s))).collect(Collectors.joining(", ")) + ")"));
  }

  @Override
  public SqlStatement startReplica() {
    return SqlStatement.of(replicaNames() ? "START REPLICA" : "START SLAVE");
  }

  @Override
  public SqlStatement stopReplica() {
    return SqlStatement.of(replicaNames() ? "STOP REPLICA" : "STOP SLAVE");
  }

  @Override
  public SqlStatement applier(boolean start) {
    return SqlStatement.of((start ? "START " : "STOP ") + (replicaNames() ? "REPLICA" : "SLAVE") + " SQL_THREAD");
  }

  @Override
  public List<SqlStatement> resetReplica() {
    return List.of(stopReplica(), SqlStatement.of(replicaNames() ? "RESET REPLICA ALL" : "RESET SLAVE ALL"),
        SqlStatement.of("CHANGE REPLICATION FILTER REPLICATE_WILD_DO_TABLE = ()"));
  }

  @Override
  public List<SqlStatement> skipOneEvent(boolean gtidOn, String failedGtid) {
    if (gtidOn) {
      // ERROR 1858: the skip counter cannot be set with GTID_MODE = ON; an empty transaction takes its GTID.
      if (failedGtid == null) {
        throw new UnsupportedOperationException("GTIDs are on and the failed transaction's GTID is unknown: skip it"
            + " by hand (SET GTID_NEXT = '<gtid>'; BEGIN; COMMIT; SET GTID_NEXT = 'AUTOMATIC')");
      }
      return List.of(stopReplica(), SqlStatement.of("SET GTID_NEXT = ?", failedGtid), SqlStatement.of("BEGIN"),
          SqlStatement.of("COMMIT"), SqlStatement.of("SET GTID_NEXT = 'AUTOMATIC'"), startReplica());
    }
    String counter = version.atLeast(8, 0, 26) ? "sql_replica_skip_counter" : "sql_slave_skip_counter";
    return List.of(stopReplica(), SqlStatement.of("SET GLOBAL " + counter + " = 1"), startReplica());
  }

  @Override
  public List<SqlStatement> nextLog(String failedFile) {
    String p = p();
    return List.of(stopReplica(), SqlStatement.of((sourceSyntax() ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ")
        + p + "AUTO_POSITION = 0, " + p + "LOG_FILE = ?, " + p + "LOG_POS = 4", BinlogFiles.next(failedFile)),
        startReplica());
  }

  @Override
  public List<SqlStatement> addGtidPurged(String gtidSet) {
    // 8.0+: '+' adds to gtid_purged without a RESET (the set must not overlap gtid_executed).
    return List.of(SqlStatement.of("SET @@GLOBAL.gtid_purged = ?", "+" + gtidSet));
  }

  @Override
  public boolean hasSuperReadOnly() {
    return true;
  }

  @Override
  public SqlStatement readOnly(boolean on) {
    return SqlStatement.of("SET GLOBAL read_only = " + (on ? "ON" : "OFF"));
  }

  @Override
  public List<String> readOnlyBypassPrivileges() {
    return List.of("SUPER", "CONNECTION_ADMIN");
  }

  @Override
  public String processlist() {
    return version.atLeast(8, 0, 22) ? "performance_schema.processlist" : "information_schema.PROCESSLIST";
  }

  @Override
  public List<String> retentionVariables() {
    // expire_logs_days: deprecated in 8.0, gone in 8.4 (ERROR 1193 on 9.x).
    return version.atLeast(8, 4, 0) ? List.of("binlog_expire_logs_seconds")
        : version.atLeast(8, 0, 1) ? List.of("binlog_expire_logs_seconds", "expire_logs_days") : List.of("expire_logs_days");
  }

  @Override
  public Snapshot snapshot() {
    return version.atLeast(8, 0, 14) ? Snapshot.BACKUP_LOCK_LOG_STATUS : Snapshot.GLOBAL_READ_LOCK;
  }

  @Override
  public boolean hasClone() {
    return version.atLeast(8, 0, 17);
  }

  @Override
  public String defaultUtf8mb4Collation() {
    return version.atLeast(8, 0, 0) ? "utf8mb4_0900_ai_ci" : "utf8mb4_general_ci";
  }
}
