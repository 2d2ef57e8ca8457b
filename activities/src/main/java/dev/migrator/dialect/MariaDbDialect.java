package dev.migrator.dialect;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.mysql.ReplicationTls;
import dev.migrator.mysql.ServerInfo;
import dev.migrator.mysql.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * MariaDB 10.x/11.x: CHANGE MASTER TO with MASTER_USE_GTID, SHOW SLAVE STATUS (Slave_* and
 * *_Master_* columns, Gtid_IO_Pos/Gtid_Slave_Pos), START/STOP SLAVE, the filter as the global
 * variable replicate_wild_do_table, GTIDs always on (domain-server-sequence, gtid_slave_pos), no
 * super_read_only, the snapshot's own coordinates (binlog_snapshot_file/position), READ ONLY ADMIN.
 */
public class MariaDbDialect extends Dialect {

  public MariaDbDialect(ServerInfo version) {
    super(version);
  }

  @Override
  public Kind kind() {
    return Kind.MARIADB;
  }

  @Override
  public String binlogStatus() {
    return "SHOW MASTER STATUS";
  }

  @Override
  public String gtidExecuted() {
    return "SELECT @@GLOBAL.gtid_binlog_pos";
  }

  @Override
  public String gtidMode() {
    return "SELECT 'ON'";
  }

  @Override
  public String resetBinaryLogs() {
    return "RESET MASTER";
  }

  @Override
  public String replicaStatus() {
    return "SHOW SLAVE STATUS";
  }

  @Override
  public ReplicaColumns replicaColumns() {
    return ReplicaColumns.MARIADB;
  }

  @Override
  public List<SqlStatement> changeSource(ReplicationChannel ch, BinlogCoordinates from, boolean autoPosition) {
    StringBuilder sql = new StringBuilder(
        "CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?");
    List<Object> params = new ArrayList<>(List.of(ch.host(), ch.port(), ch.user(),
        new SqlStatement.Secret(ch.password() == null ? "" : ch.password())));
    if (autoPosition) {
      sql.append(", MASTER_USE_GTID = slave_pos");
    } else {
      if (from == null) throw new IllegalArgumentException("no binlog coordinates to start from");
      sql.append(", MASTER_LOG_FILE = ?, MASTER_LOG_POS = ?, MASTER_USE_GTID = no");
      params.add(from.file);
      params.add(from.position);
    }
    sql.append(", MASTER_CONNECT_RETRY = ").append(Math.max(1, ch.connectRetrySeconds()));
    // TLS as the channel's ReplicationTls says, always explicit: MariaDB 11 turns MASTER_SSL (and
    // the certificate check) on by itself after RESET SLAVE ALL.
    ReplicationTls.Clause tls = ch.tls().changeSourceClause(ReplicationTls.ReplicaKind.MARIADB);
    sql.append(tls.sql());
    params.addAll(tls.params());
    return List.of(new SqlStatement(sql.toString(), params));
  }

  @Override
  public List<SqlStatement> replicationFilter(List<String> schemas) {
    return List.of(SqlStatement.of("SET GLOBAL replicate_wild_do_table = "
        + Sql.literal(schemas.stream().map(Dialect::likeEscaped).collect(Collectors.joining(",")))));
  }

  @Override
  public SqlStatement startReplica() {
    return SqlStatement.of("START SLAVE");
  }

  @Override
  public SqlStatement stopReplica() {
    return SqlStatement.of("STOP SLAVE");
  }

  @Override
  public SqlStatement applier(boolean start) {
    return SqlStatement.of((start ? "START" : "STOP") + " SLAVE SQL_THREAD");
  }

  @Override
  public List<SqlStatement> resetReplica() {
    return List.of(stopReplica(), SqlStatement.of("RESET SLAVE ALL"),
        SqlStatement.of("SET GLOBAL replicate_wild_do_table = ''"));
  }

  @Override
  public List<SqlStatement> forgetReplicaPosition() {
    // RESET SLAVE ALL keeps gtid_slave_pos: a server left with the source's position would start
    // from there the next time it replicates by GTID.
    return List.of(SqlStatement.of("SET GLOBAL gtid_slave_pos = ''"));
  }

  @Override
  public List<SqlStatement> skipOneEvent(boolean gtidOn, String failedGtid) {
    // MariaDB's skip counter skips one event group with or without GTIDs.
    return List.of(stopReplica(), SqlStatement.of("SET GLOBAL sql_slave_skip_counter = 1"), startReplica());
  }

  @Override
  public List<SqlStatement> nextLog(String failedFile) {
    return List.of(stopReplica(), SqlStatement.of("CHANGE MASTER TO MASTER_LOG_FILE = ?, MASTER_LOG_POS = 4,"
        + " MASTER_USE_GTID = no", BinlogFiles.next(failedFile)), startReplica());
  }

  @Override
  public List<SqlStatement> addGtidPurged(String gtidSet) {
    // MariaDB's replica starts from gtid_slave_pos: the frozen copy's position in the source's domains.
    return List.of(SqlStatement.of("SET GLOBAL gtid_slave_pos = ?", gtidSet));
  }

  @Override
  public boolean hasSuperReadOnly() {
    return false;
  }

  @Override
  public SqlStatement readOnly(boolean on) {
    return SqlStatement.of("SET GLOBAL read_only = " + (on ? "ON" : "OFF"));
  }

  @Override
  public List<String> readOnlyBypassPrivileges() {
    if (version.atLeast(10, 11, 0)) return List.of("READ_ONLY ADMIN");
    if (version.atLeast(10, 5, 2)) return List.of("SUPER", "READ_ONLY ADMIN");
    return List.of("SUPER");
  }

  @Override
  public String processlist() {
    return "information_schema.PROCESSLIST";
  }

  @Override
  public List<String> retentionVariables() {
    return version.atLeast(10, 6, 1) ? List.of("binlog_expire_logs_seconds", "expire_logs_days") : List.of("expire_logs_days");
  }

  @Override
  public Snapshot snapshot() {
    return Snapshot.BINLOG_SNAPSHOT_STATUS;
  }

  @Override
  public String defaultUtf8mb4Collation() {
    return version.atLeast(11, 4, 0) ? "utf8mb4_uca1400_ai_ci" : "utf8mb4_general_ci";
  }
}
