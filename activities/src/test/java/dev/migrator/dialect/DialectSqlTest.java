package dev.migrator.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.mysql.ReplicationTls;
import dev.migrator.mysql.ServerInfo;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The SQL every dialect writes, per operation, for the servers migrator supports: MySQL 8.0.35
 * (what Aurora MySQL 3 is), 8.4, 9.7, the calendar 26.7.0, MariaDB 10.6 and 10.11, RDS for MySQL
 * 8.0 and 8.4 and Aurora MySQL 3 (each with the procedures that generation has, as
 * information_schema.ROUTINES lists them). Only 9.7 and MariaDB 10.11 also run for real here (the
 * activity tests); the rest is checked here against the manuals.
 */
class DialectSqlTest {
  static final Dialect MYSQL_57 = Dialects.of(ServerInfo.parse("5.7.44-log"), "mysql", Map.of());
  static final Dialect MYSQL_80 = Dialects.of(ServerInfo.parse("8.0.35"), "mysql", Map.of());
  static final Dialect MYSQL_84 = Dialects.of(ServerInfo.parse("8.4.3"), "mysql", Map.of());
  static final Dialect MYSQL_97 = Dialects.of(ServerInfo.parse("9.7.4"), "mysql", Map.of());
  static final Dialect MYSQL_26 = Dialects.of(ServerInfo.parse("26.7.0"), "mysql", Map.of());
  static final Dialect MARIADB_106 = Dialects.of(ServerInfo.parse("10.6.16-MariaDB-1:10.6.16+maria~ubu2204"), "mysql", Map.of());
  static final Dialect MARIADB_1011 = Dialects.of(ServerInfo.parse("10.11.6-MariaDB-0+deb12u1"), "mysql", Map.of());

  /** The stand-ins' (and AWS's) procedure sets: name → number of parameters. */
  static final Map<String, Integer> COMMON = Map.of("rds_start_replication", 0, "rds_stop_replication", 0,
      "rds_skip_repl_error", 0, "rds_set_configuration", 2, "rds_show_configuration", 0,
      "rds_skip_transaction_with_gtid", 1);
  static final Map<String, Integer> RDS_80_PROCS = with(COMMON, Map.of("rds_set_external_master", 7,
      "rds_set_external_master_with_auto_position", 6, "rds_reset_external_master", 0, "rds_next_master_log", 1));
  static final Map<String, Integer> RDS_84_PROCS = with(COMMON, Map.of("rds_set_external_source", 7,
      "rds_set_external_source_with_auto_position", 6, "rds_reset_external_source", 0, "rds_next_source_log", 1));
  static final Map<String, Integer> AURORA_3_PROCS = with(with(COMMON, Map.of("rds_set_external_source", 7,
      "rds_set_external_source_with_auto_position", 5, "rds_reset_external_source", 0, "rds_next_source_log", 1,
      "rds_set_external_master", 7, "rds_set_external_master_with_auto_position", 5, "rds_reset_external_master", 0,
      "rds_next_master_log", 1)), Map.of("rds_gtid_purged", 1, "rds_set_read_only", 1));
  static final Dialect RDS_80 = Dialects.of(ServerInfo.parse("8.0.39"), "rds-mysql", RDS_80_PROCS);
  static final Dialect RDS_84 = Dialects.of(ServerInfo.parse("8.4.3"), "rds-mysql", RDS_84_PROCS);
  static final Dialect AURORA_3 = Dialects.of(ServerInfo.parse("8.0.39"), "aurora-mysql", AURORA_3_PROCS);

  static final ReplicationChannel CHANNEL = ReplicationChannel.plain("src.example", 3306, "repl", "s3cret", 5);
  static final BinlogCoordinates AT = new BinlogCoordinates("mysql-bin.000003", 4711, null);

  static Map<String, Integer> with(Map<String, Integer> a, Map<String, Integer> b) {
    Map<String, Integer> m = new java.util.HashMap<>(a);
    m.putAll(b);
    return m;
  }

  static String sql(List<SqlStatement> st) {
    return st.stream().map(SqlStatement::toString).collect(Collectors.joining("; "));
  }

  @Test
  void versionsParseIncludingCalendarVersionsAndMariaDbPrefixes() {
    ServerInfo cal = ServerInfo.parse("26.7.0");
    assertEquals(26, cal.major());
    assertTrue(cal.calendarVersion());
    assertTrue(cal.atLeast(9, 7, 0));
    assertTrue(cal.atLeast(8, 4, 0));
    ServerInfo m = ServerInfo.parse("5.5.5-10.6.16-MariaDB");
    assertTrue(m.mariadb());
    assertEquals(10, m.major());
    assertEquals(6, m.minor());
    assertEquals(16, m.patch());
    assertFalse(ServerInfo.parse("9.7.4").calendarVersion());
    assertEquals(new ServerInfo("8.0.35-27", false, 8, 0, 35), ServerInfo.parse("8.0.35-27"));
    assertEquals("MySQL 26.7.0", cal.describe());
  }

  @Test
  void kindsFollowFlavorAndEngine() {
    assertEquals(Dialect.Kind.MYSQL, MYSQL_97.kind());
    assertEquals(Dialect.Kind.MARIADB, MARIADB_1011.kind());
    assertEquals(Dialect.Kind.RDS_MYSQL, RDS_84.kind());
    assertEquals(Dialect.Kind.AURORA_MYSQL, AURORA_3.kind());
    assertTrue(AURORA_3.isManaged());
    assertFalse(MYSQL_26.isManaged());
    assertEquals("Aurora MySQL (MySQL 8.0.39)", AURORA_3.describe());
  }

  @Test
  void binlogStatusAndGtidStatements() {
    assertEquals("SHOW MASTER STATUS", MYSQL_80.binlogStatus());
    assertEquals("SHOW BINARY LOG STATUS", MYSQL_84.binlogStatus());
    assertEquals("SHOW BINARY LOG STATUS", MYSQL_97.binlogStatus());
    assertEquals("SHOW BINARY LOG STATUS", MYSQL_26.binlogStatus());
    assertEquals("SHOW MASTER STATUS", MARIADB_106.binlogStatus());
    assertEquals("SHOW MASTER STATUS", AURORA_3.binlogStatus());
    assertEquals("SHOW BINARY LOG STATUS", RDS_84.binlogStatus());
    assertEquals("SELECT @@GLOBAL.gtid_executed", MYSQL_97.gtidExecuted());
    assertEquals("SELECT @@GLOBAL.gtid_binlog_pos", MARIADB_1011.gtidExecuted());
    assertEquals("RESET MASTER", MYSQL_80.resetBinaryLogs());
    assertEquals("RESET BINARY LOGS AND GTIDS", MYSQL_97.resetBinaryLogs());
    BinlogCoordinates c = MYSQL_97.coordinates(Map.of("File", "mysql-bin.000002", "Position", "157",
        "Executed_Gtid_Set", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n4f1b...:1"));
    assertEquals("mysql-bin.000002:157 gtid=3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,4f1b...:1", c.toString());
    assertNull(MYSQL_97.coordinates(null));
  }

  @Test
  void replicaStatusAndItsColumnNames() {
    assertEquals("SHOW SLAVE STATUS", MYSQL_57.replicaStatus());
    assertEquals("SHOW REPLICA STATUS", MYSQL_80.replicaStatus());
    assertEquals("SHOW REPLICA STATUS", MYSQL_97.replicaStatus());
    assertEquals("SHOW SLAVE STATUS", MARIADB_1011.replicaStatus());
    assertEquals("SHOW REPLICA STATUS", AURORA_3.replicaStatus());
    for (Dialect d : List.of(MYSQL_80, MYSQL_84, MYSQL_97, MYSQL_26, RDS_80, RDS_84, AURORA_3)) {
      assertEquals("Seconds_Behind_Source", d.replicaColumns().lag(), d.describe());
      assertEquals("Relay_Source_Log_File", d.replicaColumns().relaySourceLogFile());
      assertEquals("Exec_Source_Log_Pos", d.replicaColumns().execSourceLogPos());
    }
    assertEquals("Seconds_Behind_Master", MARIADB_106.replicaColumns().lag());
    assertEquals("Gtid_Slave_Pos", MARIADB_1011.replicaColumns().executedGtidSet());
    assertEquals("Exec_Master_Log_Pos", MYSQL_57.replicaColumns().execSourceLogPos());
  }

  @Test
  void changeSourceFilePositionPerServer() {
    assertEquals("CHANGE MASTER TO MASTER_HOST = 'src.example', MASTER_PORT = 3306, MASTER_USER = 'repl',"
        + " MASTER_PASSWORD = '***', MASTER_LOG_FILE = 'mysql-bin.000003', MASTER_LOG_POS = 4711, MASTER_USE_GTID = no,"
        + " MASTER_CONNECT_RETRY = 5, MASTER_SSL = 0, MASTER_SSL_VERIFY_SERVER_CERT = 0",
        sql(MARIADB_1011.changeSource(CHANNEL, AT, false)));
    assertEquals(sql(MARIADB_1011.changeSource(CHANNEL, AT, false)), sql(MARIADB_106.changeSource(CHANNEL, AT, false)));
    assertEquals("CHANGE MASTER TO MASTER_HOST = 'src.example', MASTER_PORT = 3306, MASTER_USER = 'repl',"
        + " MASTER_PASSWORD = '***', MASTER_LOG_FILE = 'mysql-bin.000003', MASTER_LOG_POS = 4711,"
        + " MASTER_AUTO_POSITION = 0, MASTER_CONNECT_RETRY = 5, MASTER_RETRY_COUNT = 86400, MASTER_SSL = 0", sql(MYSQL_57.changeSource(CHANNEL, AT, false)));
    String modern = "CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'src.example', SOURCE_PORT = 3306, SOURCE_USER = 'repl',"
        + " SOURCE_PASSWORD = '***', SOURCE_LOG_FILE = 'mysql-bin.000003', SOURCE_LOG_POS = 4711,"
        + " SOURCE_AUTO_POSITION = 0, SOURCE_CONNECT_RETRY = 5, SOURCE_RETRY_COUNT = 86400, SOURCE_SSL = 0";
    for (Dialect d : List.of(MYSQL_80, MYSQL_84, MYSQL_97, MYSQL_26)) {
      assertEquals(modern, sql(d.changeSource(CHANNEL, AT, false)), d.describe());
      // caching_sha2_password over a plain channel: the replica fetches the source's RSA key.
      assertEquals(modern + ", GET_SOURCE_PUBLIC_KEY = 1",
          sql(d.changeSource(CHANNEL.withSecureAuthSource(true), AT, false)), d.describe());
    }
    assertEquals("CALL mysql.rds_set_external_master('src.example', 3306, 'repl', '***', 'mysql-bin.000003', 4711, 0)",
        sql(RDS_80.changeSource(CHANNEL, AT, false)));
    assertEquals("CALL mysql.rds_set_external_source('src.example', 3306, 'repl', '***', 'mysql-bin.000003', 4711, 0)",
        sql(RDS_84.changeSource(CHANNEL, AT, false)));
    // Aurora 3 has both names: the _source ones; ssl_encryption is the channel's rdsSslEncryption()
    // (Channels switches TLS on for a caching_sha2 source: the procedures have no RSA-key argument).
    assertEquals("CALL mysql.rds_set_external_source('src.example', 3306, 'repl', '***', 'mysql-bin.000003', 4711, 0)",
        sql(AURORA_3.changeSource(CHANNEL, AT, false)));
    assertEquals("CALL mysql.rds_set_external_source('src.example', 3306, 'repl', '***', 'mysql-bin.000003', 4711, 1)",
        sql(AURORA_3.changeSource(CHANNEL.withTls(CHANNEL.tls().forcedOn("caching_sha2_password"))
            .withSecureAuthSource(true), AT, false)));
    assertThrows(IllegalArgumentException.class, () -> MYSQL_97.changeSource(CHANNEL, null, false));
  }

  @Test
  void changeSourceAutoPositionAndTls() {
    ReplicationChannel tls = CHANNEL.withTls(ReplicationTls.of(true, "/etc/mysql/source-ca.pem", true, "test"));
    assertEquals("CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'src.example', SOURCE_PORT = 3306, SOURCE_USER = 'repl',"
        + " SOURCE_PASSWORD = '***', SOURCE_AUTO_POSITION = 1, SOURCE_CONNECT_RETRY = 5, SOURCE_RETRY_COUNT = 86400, SOURCE_SSL = 1,"
        + " SOURCE_SSL_CA = '/etc/mysql/source-ca.pem', SOURCE_SSL_VERIFY_SERVER_CERT = 1",
        sql(MYSQL_97.changeSource(tls.withSecureAuthSource(true), null, true)));
    assertEquals("CHANGE MASTER TO MASTER_HOST = 'src.example', MASTER_PORT = 3306, MASTER_USER = 'repl',"
        + " MASTER_PASSWORD = '***', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 5, MASTER_SSL = 1,"
        + " MASTER_SSL_CA = '/etc/mysql/source-ca.pem', MASTER_SSL_VERIFY_SERVER_CERT = 1",
        sql(MARIADB_1011.changeSource(tls, null, true)));
    // The generations' auto-position procedures: 6 arguments (delay) on RDS, 5 on Aurora 3.
    assertEquals("CALL mysql.rds_set_external_master_with_auto_position('src.example', 3306, 'repl', '***', 1, 0)",
        sql(RDS_80.changeSource(tls, null, true)));
    assertEquals("CALL mysql.rds_set_external_source_with_auto_position('src.example', 3306, 'repl', '***', 1, 0)",
        sql(RDS_84.changeSource(tls, null, true)));
    assertEquals("CALL mysql.rds_set_external_source_with_auto_position('src.example', 3306, 'repl', '***', 1)",
        sql(AURORA_3.changeSource(tls, null, true)));
    assertFalse(CHANNEL.toString().contains("s3cret"));
    assertFalse(sql(MYSQL_97.changeSource(CHANNEL, AT, false)).contains("s3cret"));
  }

  @Test
  void rdsProceduresAreChosenByWhatTheServerHasNeverGuessed() {
    // An RDS server whose account sees no replication procedures: a clear refusal, not a guess.
    Dialect blind = Dialects.of(ServerInfo.parse("8.0.39"), "rds-mysql", COMMON);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> blind.changeSource(CHANNEL, AT, false));
    assertTrue(e.getMessage().contains("information_schema.ROUTINES"), e.getMessage());
    Dialect odd = Dialects.of(ServerInfo.parse("8.0.39"), "rds-mysql",
        with(RDS_80_PROCS, Map.of("rds_set_external_master_with_auto_position", 4)));
    assertThrows(UnsupportedOperationException.class, () -> odd.changeSource(CHANNEL, null, true));
  }

  @Test
  void filterStartStopResetPerServer() {
    assertEquals("CHANGE REPLICATION FILTER REPLICATE_WILD_DO_TABLE = ('shop.%', 'my\\\\_crm.%')",
        sql(MYSQL_97.replicationFilter(List.of("shop", "my_crm"))));
    assertEquals("SET GLOBAL replicate_wild_do_table = 'shop.%,my\\\\_crm.%'",
        sql(MARIADB_1011.replicationFilter(List.of("shop", "my_crm"))));
    assertEquals(List.of(), AURORA_3.replicationFilter(List.of("shop")));
    assertTrue(RDS_84.filterIsParameter());
    assertEquals("START SLAVE", MYSQL_57.startReplica().sql());
    assertEquals("START REPLICA", MYSQL_80.startReplica().sql());
    assertEquals("STOP REPLICA", MYSQL_26.stopReplica().sql());
    assertEquals("START SLAVE", MARIADB_106.startReplica().sql());
    assertEquals("CALL mysql.rds_start_replication", RDS_84.startReplica().sql());
    assertEquals("STOP REPLICA SQL_THREAD", MYSQL_97.applier(false).sql());
    assertEquals("START SLAVE SQL_THREAD", MARIADB_1011.applier(true).sql());
    assertEquals("STOP REPLICA; RESET REPLICA ALL; CHANGE REPLICATION FILTER REPLICATE_WILD_DO_TABLE = ()",
        sql(MYSQL_97.resetReplica()));
    assertEquals("STOP SLAVE; RESET SLAVE ALL; SET GLOBAL replicate_wild_do_table = ''", sql(MARIADB_1011.resetReplica()));
    assertEquals("SET GLOBAL gtid_slave_pos = ''", sql(MARIADB_1011.forgetReplicaPosition()));
    assertEquals("CALL mysql.rds_stop_replication; CALL mysql.rds_reset_external_master", sql(RDS_80.resetReplica()));
    assertEquals("CALL mysql.rds_stop_replication; CALL mysql.rds_reset_external_source", sql(RDS_84.resetReplica()));
    assertEquals("CALL mysql.rds_stop_replication; CALL mysql.rds_reset_external_source", sql(AURORA_3.resetReplica()));
  }

  @Test
  void skipAndNextLogPerServerAndGtidMode() {
    assertEquals("STOP REPLICA; SET GLOBAL sql_replica_skip_counter = 1; START REPLICA",
        sql(MYSQL_97.skipOneEvent(false, null)));
    assertEquals("STOP REPLICA; SET GLOBAL sql_slave_skip_counter = 1; START REPLICA",
        sql(Dialects.of(ServerInfo.parse("8.0.23"), null, Map.of()).skipOneEvent(false, null)));
    assertEquals("STOP REPLICA; SET GTID_NEXT = '3e11fa47-71ca-11e1-9e33-c80aa9429562:23'; BEGIN; COMMIT;"
        + " SET GTID_NEXT = 'AUTOMATIC'; START REPLICA",
        sql(MYSQL_97.skipOneEvent(true, "3e11fa47-71ca-11e1-9e33-c80aa9429562:23")));
    assertThrows(UnsupportedOperationException.class, () -> MYSQL_97.skipOneEvent(true, null));
    assertEquals("STOP SLAVE; SET GLOBAL sql_slave_skip_counter = 1; START SLAVE", sql(MARIADB_1011.skipOneEvent(true, null)));
    assertEquals("CALL mysql.rds_skip_repl_error", sql(RDS_80.skipOneEvent(false, null)));
    // rds_skip_repl_error refuses with GTIDs on (ERROR 1644): the GTID procedure.
    assertEquals("CALL mysql.rds_skip_transaction_with_gtid('uuid-1:9'); CALL mysql.rds_start_replication",
        sql(AURORA_3.skipOneEvent(true, "uuid-1:9")));

    assertEquals("STOP REPLICA; CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 0, SOURCE_LOG_FILE ="
        + " 'mysql-bin.000013', SOURCE_LOG_POS = 4; START REPLICA", sql(MYSQL_84.nextLog("mysql-bin.000012")));
    assertEquals("STOP SLAVE; CHANGE MASTER TO MASTER_LOG_FILE = 'mysql-bin.000013', MASTER_LOG_POS = 4,"
        + " MASTER_USE_GTID = no; START SLAVE", sql(MARIADB_1011.nextLog("mysql-bin.000012")));
    assertEquals("CALL mysql.rds_next_master_log(12); CALL mysql.rds_start_replication",
        sql(RDS_80.nextLog("mysql-bin-changelog.000012")));
    assertEquals("CALL mysql.rds_next_source_log(12); CALL mysql.rds_start_replication",
        sql(RDS_84.nextLog("mysql-bin-changelog.000012")));
    assertEquals("mysql-bin-changelog.100000", BinlogFiles.next("mysql-bin-changelog.099999"));
    assertEquals(12345L, BinlogFiles.sequence("mysql-bin-changelog.012345"));
  }

  @Test
  void frozenCopysGtidSetGoesInBeforeAutoPosition() {
    assertEquals("SET @@GLOBAL.gtid_purged = '+uuid-1:1-40'", sql(MYSQL_97.addGtidPurged("uuid-1:1-40")));
    assertEquals("SET @@GLOBAL.gtid_purged = '+uuid-1:1-40'", sql(MYSQL_80.addGtidPurged("uuid-1:1-40")));
    assertEquals("SET GLOBAL gtid_slave_pos = '0-1-40'", sql(MARIADB_1011.addGtidPurged("0-1-40")));
    assertEquals("CALL mysql.rds_gtid_purged('uuid-1:1-40')", sql(AURORA_3.addGtidPurged("uuid-1:1-40")));
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> RDS_84.addGtidPurged("uuid-1:1-40"));
    assertTrue(e.getMessage().contains("file and position"), e.getMessage());
  }

  @Test
  void readOnlyPrivilegesAndProcesslist() {
    assertEquals("SET GLOBAL read_only = ON", MYSQL_97.readOnly(true).sql());
    assertEquals("SET GLOBAL super_read_only = ON", MYSQL_97.superReadOnly(true).sql());
    assertEquals("SET GLOBAL super_read_only = OFF", MYSQL_80.superReadOnly(false).sql());
    assertNull(MARIADB_1011.superReadOnly(true));
    assertEquals("SET GLOBAL read_only = OFF", MARIADB_1011.readOnly(false).sql());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> AURORA_3.readOnly(true));
    assertTrue(e.getMessage().contains("readOnlyHook") && e.getMessage().contains("1227"), e.getMessage());
    assertEquals(List.of("SUPER", "CONNECTION_ADMIN"), MYSQL_97.readOnlyBypassPrivileges());
    assertEquals(List.of("READ_ONLY ADMIN"), MARIADB_1011.readOnlyBypassPrivileges());
    assertEquals(List.of("SUPER", "READ_ONLY ADMIN"), MARIADB_106.readOnlyBypassPrivileges());
    assertEquals(List.of(), RDS_84.readOnlyBypassPrivileges());
    assertEquals("performance_schema.processlist", MYSQL_97.processlist());
    assertEquals("performance_schema.processlist", MYSQL_80.processlist());
    assertEquals("information_schema.PROCESSLIST", MYSQL_57.processlist());
    assertEquals("information_schema.PROCESSLIST", MARIADB_1011.processlist());
    assertEquals("SET SESSION sql_log_bin = 0", MYSQL_26.unloggedSession().sql());
  }

  @Test
  void retentionPerServer() {
    assertEquals(List.of("binlog_expire_logs_seconds"), MYSQL_97.retentionVariables());
    assertEquals(List.of("binlog_expire_logs_seconds"), MYSQL_84.retentionVariables());
    assertEquals(List.of("binlog_expire_logs_seconds", "expire_logs_days"), MYSQL_80.retentionVariables());
    assertEquals(List.of("binlog_expire_logs_seconds", "expire_logs_days"), MARIADB_1011.retentionVariables());
    assertEquals(List.of(), AURORA_3.retentionVariables());
    assertEquals("CALL mysql.rds_set_configuration('binlog retention hours', 168)", RDS_84.setRetentionHours(168).toString());
    assertEquals("CALL mysql.rds_show_configuration", RDS_80.showRetention());
    assertNull(MYSQL_97.setRetentionHours(24));
  }

  @Test
  void snapshotCloneAndCollations() {
    assertEquals(Dialect.Snapshot.BINLOG_SNAPSHOT_STATUS, MARIADB_106.snapshot());
    assertEquals(Dialect.Snapshot.BACKUP_LOCK_LOG_STATUS, MYSQL_80.snapshot());
    assertEquals(Dialect.Snapshot.BACKUP_LOCK_LOG_STATUS, MYSQL_26.snapshot());
    assertEquals(Dialect.Snapshot.GLOBAL_READ_LOCK, MYSQL_57.snapshot());
    assertEquals(Dialect.Snapshot.GLOBAL_READ_LOCK, AURORA_3.snapshot());
    assertTrue(MYSQL_97.hasClone());
    assertFalse(MYSQL_57.hasClone());
    assertFalse(AURORA_3.hasClone());
    assertFalse(MARIADB_1011.hasClone());
    assertEquals("utf8mb4_0900_ai_ci", MYSQL_84.defaultUtf8mb4Collation());
    assertEquals("utf8mb4_general_ci", MARIADB_1011.defaultUtf8mb4Collation());
  }
}
