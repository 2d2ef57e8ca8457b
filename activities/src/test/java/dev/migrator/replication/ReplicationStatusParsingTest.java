package dev.migrator.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.ReplicationOptions;
import dev.migrator.model.ReplicationStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Status parsing under both column namings, error classification, and the CHANGE statements. */
class ReplicationStatusParsingTest {
  /** Columns of MySQL 8.0.23+ SHOW REPLICA STATUS, in server order. */
  static final List<String> MYSQL_8_REPLICA_COLUMNS = List.of("Replica_IO_State", "Source_Host", "Source_User",
      "Source_Port", "Connect_Retry", "Source_Log_File", "Read_Source_Log_Pos", "Relay_Log_File", "Relay_Log_Pos",
      "Relay_Source_Log_File", "Replica_IO_Running", "Replica_SQL_Running", "Replicate_Do_DB", "Replicate_Ignore_DB",
      "Replicate_Do_Table", "Replicate_Ignore_Table", "Replicate_Wild_Do_Table", "Replicate_Wild_Ignore_Table",
      "Last_Errno", "Last_Error", "Skip_Counter", "Exec_Source_Log_Pos", "Relay_Log_Space", "Until_Condition",
      "Until_Log_File", "Until_Log_Pos", "Source_SSL_Allowed", "Source_SSL_CA_File", "Source_SSL_CA_Path",
      "Source_SSL_Cert", "Source_SSL_Cipher", "Source_SSL_Key", "Seconds_Behind_Source",
      "Source_SSL_Verify_Server_Cert", "Last_IO_Errno", "Last_IO_Error", "Last_SQL_Errno", "Last_SQL_Error",
      "Replicate_Ignore_Server_Ids", "Source_Server_Id", "Source_UUID", "Source_Info_File", "SQL_Delay",
      "SQL_Remaining_Delay", "Replica_SQL_Running_State", "Source_Retry_Count", "Source_Bind",
      "Last_IO_Error_Timestamp", "Last_SQL_Error_Timestamp", "Source_SSL_Crl", "Source_SSL_Crlpath",
      "Retrieved_Gtid_Set", "Executed_Gtid_Set", "Auto_Position", "Replicate_Rewrite_DB", "Channel_Name",
      "Source_TLS_Version", "Source_public_key_path", "Get_Source_public_key", "Network_Namespace");

  /** Columns of MariaDB 10.11 / MySQL 5.7 style SHOW SLAVE STATUS (MariaDB's set). */
  static final List<String> MARIADB_SLAVE_COLUMNS = List.of("Slave_IO_State", "Master_Host", "Master_User",
      "Master_Port", "Connect_Retry", "Master_Log_File", "Read_Master_Log_Pos", "Relay_Log_File", "Relay_Log_Pos",
      "Relay_Master_Log_File", "Slave_IO_Running", "Slave_SQL_Running", "Replicate_Rewrite_DB", "Replicate_Do_DB",
      "Replicate_Ignore_DB", "Replicate_Do_Table", "Replicate_Ignore_Table", "Replicate_Wild_Do_Table",
      "Replicate_Wild_Ignore_Table", "Last_Errno", "Last_Error", "Skip_Counter", "Exec_Master_Log_Pos",
      "Relay_Log_Space", "Until_Condition", "Until_Log_File", "Until_Log_Pos", "Master_SSL_Allowed",
      "Master_SSL_CA_File", "Master_SSL_CA_Path", "Master_SSL_Cert", "Master_SSL_Cipher", "Master_SSL_Key",
      "Seconds_Behind_Master", "Master_SSL_Verify_Server_Cert", "Last_IO_Errno", "Last_IO_Error", "Last_SQL_Errno",
      "Last_SQL_Error", "Replicate_Ignore_Server_Ids", "Master_Server_Id", "Master_SSL_Crl", "Master_SSL_Crlpath",
      "Using_Gtid", "Gtid_IO_Pos", "Replicate_Do_Domain_Ids", "Replicate_Ignore_Domain_Ids", "Parallel_Mode",
      "SQL_Delay", "SQL_Remaining_Delay", "Slave_SQL_Running_State", "Slave_DDL_Groups",
      "Slave_Non_Transactional_Groups", "Slave_Transactional_Groups");

  /** A row with every column of {@code columns}, values from {@code values} by "role" (old naming). */
  static Map<String, String> row(List<String> columns, Map<String, String> values) {
    Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String c : columns) {
      String canonical = c.replace("Replica", "Slave").replace("Source", "Master");
      row.put(c, values.getOrDefault(canonical, ""));
    }
    return row;
  }

  static final Map<String, String> HEALTHY = Map.of("Slave_IO_Running", "Yes", "Slave_SQL_Running", "Yes",
      "Seconds_Behind_Master", "42", "Master_Log_File", "mysql-bin.000012", "Read_Master_Log_Pos", "9000",
      "Relay_Master_Log_File", "mysql-bin.000011", "Exec_Master_Log_Pos", "1234", "Last_IO_Errno", "0",
      "Last_SQL_Errno", "0", "Slave_SQL_Running_State", "Slave has read all relay log");

  @Test
  void parsesTheSameStatusUnderBothNamings() {
    for (List<String> cols : List.of(MYSQL_8_REPLICA_COLUMNS, MARIADB_SLAVE_COLUMNS)) {
      ReplicationStatus s = ReplicaStatusReader.parse(row(cols, HEALTHY));
      String naming = cols.get(0);
      assertTrue(s.configured, naming);
      assertTrue(s.ioRunning, naming);
      assertTrue(s.sqlRunning, naming);
      assertEquals(42L, s.secondsBehind, naming);
      assertEquals("mysql-bin.000011", s.executedFile, naming);
      assertEquals(1234L, s.executedPosition, naming);
      assertEquals("mysql-bin.000012", s.ioFile, naming);
      assertEquals(9000L, s.ioPosition, naming);
      assertEquals("Slave has read all relay log", s.sqlState, naming);
      assertNull(ReplicationErrorClassifier.classify(s), naming);
    }
  }

  @Test
  void nullLagAndNoRowAreUnderstood() {
    Map<String, String> v = new TreeMap<>(HEALTHY);
    v.put("Seconds_Behind_Master", null);
    v.put("Slave_IO_Running", "Connecting");
    ReplicationStatus s = ReplicaStatusReader.parse(row(MYSQL_8_REPLICA_COLUMNS, v));
    assertNull(s.secondsBehind);
    assertFalse(s.ioRunning);
    assertFalse(ReplicaStatusReader.parse(null).configured);
  }

  private static ReplicationErrorClassifier.Classified classify(boolean io, int errno, String message) {
    Map<String, String> v = new TreeMap<>(HEALTHY);
    v.put(io ? "Last_IO_Errno" : "Last_SQL_Errno", String.valueOf(errno));
    v.put(io ? "Last_IO_Error" : "Last_SQL_Error", message);
    v.put(io ? "Slave_IO_Running" : "Slave_SQL_Running", "No");
    return ReplicationErrorClassifier.classify(ReplicaStatusReader.parse(row(MARIADB_SLAVE_COLUMNS, v)));
  }

  @Test
  void classifiesTheHandbookErrors() {
    // Messages as the handbook and MariaDB 10.11 print them.
    assertEquals("log-purged", classify(true, 1236, "Got fatal error 1236 from master when reading data from binary"
        + " log: 'Could not find first log file name in binary log index file'").kind().wire());
    assertEquals("impossible-position", classify(true, 1236, "Got fatal error 1236 from master when reading data"
        + " from binary log: 'Client requested master to start replication from impossible position; the first"
        + " event 'mysql-bin-changelog.013406' at 1219393, the last event read from"
        + " '/rdsdbdata/log/binlog/mysql-bin-changelog.012345' at 4'").kind().wire());
    assertEquals("duplicate-key", classify(false, 1062, "Could not execute Write_rows_v1 event on table shop.t;"
        + " Duplicate entry '7' for key 'PRIMARY', Error_code: 1062").kind().wire());
    assertEquals("missing-row", classify(false, 1032, "Could not execute Update_rows_v1 event on table shop.t;"
        + " Can't find record in 't', Error_code: 1032; handler error HA_ERR_KEY_NOT_FOUND").kind().wire());
    assertEquals("connect", classify(true, 2003, "error connecting to master 'repl@127.0.0.1:3306' - retry-time: 60"
        + " maximum-retries: 86400 message: Can't connect to server on '127.0.0.1' (111)").kind().wire());
    assertEquals("access-denied", classify(true, 1045, "error connecting to master 'repl@127.0.0.1:3306' -"
        + " retry-time: 60 maximum-retries: 86400 message: Access denied for user 'repl'@'localhost'").kind().wire());
    assertEquals("other", classify(false, 1146, "Table 'shop.x' doesn't exist").kind().wire());
  }

  @Test
  void accessDeniedToTheReplicationAccountSaysWhetherToGrantOrFixThePassword() {
    var password = classify(true, 1045, "error connecting to master 'migrator_repl@127.0.0.1:3306' - retry-time: 60"
        + " maximum-retries: 86400 message: Access denied for user 'migrator_repl'@'localhost' (using password: YES)");
    assertEquals("access-denied", password.kind().wire());
    assertTrue(password.diagnosis().contains("Fix the password"), password.diagnosis());
    assertTrue(password.diagnosis().contains("replication.password"), password.diagnosis());
    // MariaDB 10.11 and MySQL 9.7 without REPLICATION SLAVE: the source refuses the replica's command.
    for (var grants : List.of(
        classify(true, 1597, "Master command COM_REGISTER_SLAVE failed: Access denied; you need (at least one of) the"
            + " REPLICATION SLAVE privilege(s) for this operation (Errno: 1227)"),
        classify(true, 13120, "Fatal error: The replica I/O thread stops because a fatal error is encountered when it"
            + " tried to SET @source_binlog_checksum on source. Error: Access denied; you need (at least one of) the"
            + " REPLICATION SLAVE privilege(s) for this operation"))) {
      assertEquals("access-denied", grants.kind().wire(), grants.diagnosis());
      assertTrue(grants.diagnosis().contains("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.*"), grants.diagnosis());
      assertEquals(List.of("retry", "rollback"), dev.migrator.model.Decision.wires(grants.kind().decisions()));
    }
    assertTrue(classify(false, 1062, "Duplicate entry '7'").diagnosis().contains("drift"));
  }

  @Test
  void aSourceOutageIsToldFromTheIoThreadAndTheWorker() {
    Map<String, String> v = new TreeMap<>(HEALTHY);
    v.put("Slave_IO_Running", "Connecting");
    v.put("Last_IO_Errno", "2003");
    v.put("Connect_Retry", "5");
    ReplicationStatus connecting = ReplicaStatusReader.parse(row(MARIADB_SLAVE_COLUMNS, v));
    assertTrue(connecting.ioConnecting);
    assertEquals(5, connecting.connectRetrySeconds);
    assertEquals("the target's IO thread gets ERROR 2003, connecting again; the worker gets ERROR 2003",
        LagPoller.outageCause(connecting, "the worker gets ERROR 2003"));
    assertEquals("the worker gets ERROR 2003", LagPoller.outageCause(ReplicaStatusReader.parse(row(MARIADB_SLAVE_COLUMNS,
        HEALTHY)), "the worker gets ERROR 2003"));
    assertNull(LagPoller.outageCause(ReplicaStatusReader.parse(row(MARIADB_SLAVE_COLUMNS, HEALTHY)), null), "healthy");
    v.put("Last_IO_Errno", "1045");
    assertNull(LagPoller.outageCause(ReplicaStatusReader.parse(row(MARIADB_SLAVE_COLUMNS, v)), null),
        "access denied is not an outage");
  }

  @Test
  void rdsFilterCheckAcceptsTheParameterGroupSpellings() {
    assertTrue(Replica.covers("shop.%,crm.%", "crm"));
    assertTrue(Replica.covers("my\\_shop.%", "my_shop"));
    assertFalse(Replica.covers("", "shop"));
    assertFalse(Replica.covers("shopping.%", "shop"));
  }

  @Test
  void theMultiThreadedAppliersCoordinatorErrorSendsUsToTheWorkersRow() {
    ReplicationStatus s = new ReplicationStatus();
    s.lastSqlErrno = 3030;
    s.lastSqlError = "Coordinator stopped because there were error(s) in the worker(s). The most recent failure being:"
        + " Worker 2 failed executing transaction 'ANONYMOUS' at source log mysql-bin.000001, end_log_pos 162859.";
    assertTrue(ReplicaStatusReader.coordinatorStopped(s));
    s.lastSqlErrno = 1062;
    s.lastSqlError = "Could not execute Write_rows event on table shop.t; Duplicate entry '5' for key 't.PRIMARY'";
    assertFalse(ReplicaStatusReader.coordinatorStopped(s));
  }
}
