package dev.migrator.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.testkit.AuroraLikeMySql.Generation;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Aurora-like fixture: the admin user is refused what RDS refuses its master user (ERROR
 * 1227), can call each mysql.rds_* stand-in, replicates from a source through them; TLS is
 * required; binlogs are mysql-bin-changelog.*.
 */
class AuroraLikeMySqlTest {
  static Path tmp;
  static TestCertificates certs;
  static LocalMySql source;
  static AuroraLikeMySql aurora;

  @BeforeAll
  static void start() throws Exception {
    MySqlTesting.assumeMySql();
    tmp = Files.createTempDirectory("aurora-like-test-");
    certs = TestCertificates.make(Files.createDirectories(tmp.resolve("certs")));
    CompletableFuture<LocalMySql> s = CompletableFuture.supplyAsync(() ->
        LocalMySql.start(new LocalMySql.Options().name("ext-source").gtid(false)));
    AuroraLikeMySql.Options o = new AuroraLikeMySql.Options().name("aurora3");
    if (certs != null) o.tls(certs.ca, certs.serverCert, certs.serverKey);
    CompletableFuture<AuroraLikeMySql> a = CompletableFuture.supplyAsync(() -> AuroraLikeMySql.start(o));
    source = s.join();
    aurora = a.join();
    source.sql("CREATE USER 'repl'@'%' IDENTIFIED BY 'repl-pw'", "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%'");
  }

  @AfterAll
  static void stop() {
    if (source != null) source.close();
    if (aurora != null) aurora.close();
    if (tmp != null) dev.migrator.servers.ServerProcess.deleteTree(tmp);
  }

  private static int errorOf(Connection c, String sql) {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
      return 0;
    } catch (SQLException e) {
      return e.getErrorCode();
    }
  }

  @Test
  void theAdminUserIsRefusedWhatRdsRefusesTheMasterUser() throws Exception {
    assertEquals("aurora-mysql", aurora.flavor());
    assertEquals("admin", aurora.endpoint().user);
    assertTrue(aurora.endpoint().password.startsWith("file:") && aurora.endpoint().password.endsWith("admin.password"));
    assertEquals(aurora.adminPassword(), Files.readString(Path.of(aurora.migrationPasswordRef().substring(5))));
    try (Connection c = aurora.connectAsAdmin()) {
      assertEquals(1227, errorOf(c, "SET GLOBAL read_only = 1"));
      assertEquals(1227, errorOf(c, "CHANGE REPLICATION SOURCE TO SOURCE_HOST = '127.0.0.1'"));
      assertEquals(1227, errorOf(c, "START REPLICA"));
      assertEquals(1227, errorOf(c, "SET GLOBAL binlog_expire_logs_seconds = 1"));
      assertEquals(1227, errorOf(c, "PURGE BINARY LOGS BEFORE NOW()"));
      errorOf(c, "CREATE DATABASE IF NOT EXISTS app");
      assertEquals(1227, errorOf(c, "CREATE DEFINER = 'someone'@'%' PROCEDURE app.p() SELECT 1"), "foreign DEFINER");
      assertEquals(0, errorOf(c, "CREATE DEFINER = CURRENT_USER PROCEDURE app.q() SELECT 1"));
      assertEquals(0, errorOf(c, "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'"));
      assertEquals(0, errorOf(c, "GRANT SELECT, INSERT ON app.* TO 'app'@'%'"), "WITH GRANT OPTION");
      assertEquals(0, errorOf(c, "CREATE TABLE app.t (id INT PRIMARY KEY)"));
      assertFalse(aurora.queryRows("SHOW GRANTS FOR 'admin'@'%'").toString().contains("SUPER"));
    }
    // The harness's own root can.
    aurora.sql("SET GLOBAL read_only = 0");
  }

  @Test
  void binlogsAreNamedLikeAuroras() {
    aurora.sql("FLUSH BINARY LOGS");
    List<String> logs = aurora.queryRows("SHOW BINARY LOGS");
    assertTrue(logs.size() >= 2, logs.toString());
    for (String l : logs) assertTrue(l.startsWith("mysql-bin-changelog."), l);
    assertEquals("ROW", aurora.query("SELECT @@binlog_format"));
    assertEquals("OFF", aurora.query("SELECT @@gtid_mode"));
  }

  @Test
  void plainConnectionsAreRefusedAndTlsOnesWork() throws Exception {
    assertEquals("1", aurora.query("SELECT @@require_secure_transport"));
    String plain = aurora.jdbcUrl(null).replace("sslMode=REQUIRED", "sslMode=DISABLED");
    SQLException refused = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(plain, "admin", aurora.adminPassword()).close());
    assertEquals(3159, refused.getErrorCode(), refused.getMessage()); // insecure transport prohibited
    try (Connection c = aurora.connectAsAdmin(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
      assertTrue(rs.next());
      assertTrue(List.of("TLSv1.2", "TLSv1.3").contains(rs.getString(2)), rs.getString(2));
    }
    if (certs != null) {
      // The certificate the test provided, verified against its CA (host name 127.0.0.1 included).
      Path trust = tmp.resolve("trust.p12");
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      try (InputStream in = Files.newInputStream(certs.ca)) {
        ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      try (OutputStream out = Files.newOutputStream(trust)) {
        ks.store(out, "changeit".toCharArray());
      }
      String verified = aurora.jdbcUrl(null).replace("sslMode=REQUIRED", "sslMode=VERIFY_IDENTITY")
          + "&trustCertificateKeyStoreUrl=file:" + trust + "&trustCertificateKeyStoreType=PKCS12"
          + "&trustCertificateKeyStorePassword=changeit";
      try (Connection c = DriverManager.getConnection(verified, "admin", aurora.adminPassword())) {
        assertTrue(c.isValid(5));
      }
      assertEquals(certs.ca, aurora.caFile());
    }
  }

  @Test
  void everyStandInProcedureExistsAndTheAdminCanCallIt() throws Exception {
    List<String> procs = aurora.queryRows("SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'mysql'"
        + " AND ROUTINE_NAME LIKE 'rds\\_%' ORDER BY ROUTINE_NAME");
    assertEquals(List.of("rds_gtid_purged", "rds_next_master_log", "rds_next_source_log", "rds_reset_external_master", "rds_reset_external_source",
        "rds_set_configuration", "rds_set_external_master", "rds_set_external_master_with_auto_position",
        "rds_set_external_source", "rds_set_external_source_with_auto_position", "rds_set_master_auto_position",
        "rds_set_read_only", "rds_set_source_auto_position", "rds_show_configuration", "rds_skip_repl_error",
        "rds_skip_transaction_with_gtid", "rds_start_replication", "rds_stop_replication"), procs);
    for (String definer : aurora.queryRows("SELECT DISTINCT CONCAT(DEFINER, ' ', SECURITY_TYPE) FROM information_schema.ROUTINES"
        + " WHERE ROUTINE_SCHEMA = 'mysql' AND ROUTINE_NAME LIKE 'rds\\_%'")) {
      assertEquals("rdsadmin@localhost DEFINER", definer);
    }
    try (Connection c = aurora.connectAsAdmin()) {
      try (CallableStatement cs = c.prepareCall("CALL mysql.rds_set_configuration('binlog retention hours', ?)")) {
        cs.setInt(1, 48);
        cs.execute();
      }
      assertEquals("binlog retention hours\t48", showConfiguration(c).get(0));
      try (CallableStatement cs = c.prepareCall("CALL mysql.rds_set_configuration('binlog retention hours', ?)")) {
        cs.setNull(1, java.sql.Types.INTEGER);
        cs.execute();
      }
      assertEquals("binlog retention hours\tnull", showConfiguration(c).get(0));
      assertEquals(1644, errorOf(c, "CALL mysql.rds_set_configuration('binlog retention hours', 0)"));
      assertEquals(1644, errorOf(c, "CALL mysql.rds_set_configuration('no such thing', 1)"));

      assertEquals(0, errorOf(c, "CALL mysql.rds_set_read_only(1)"));
      assertEquals("1", aurora.query("SELECT @@GLOBAL.read_only"));
      assertEquals(0, errorOf(c, "CALL mysql.rds_set_read_only(0)"));
      assertEquals("0", aurora.query("SELECT @@GLOBAL.read_only"));

      // The replication procedures, all callable by the admin (their effect is tested below).
      assertEquals(0, errorOf(c, "CALL mysql.rds_stop_replication"));
      assertEquals(0, errorOf(c, "CALL mysql.rds_reset_external_master"));
      assertEquals(0, errorOf(c, "CALL mysql.rds_set_external_master('127.0.0.1', " + source.port()
          + ", 'repl', 'repl-pw', 'mysql-bin.000001', 4, 1)"));
      assertEquals(0, errorOf(c, "CALL mysql.rds_next_master_log(1)"));
      assertEquals("mysql-bin.000002", aurora.query("SELECT Master_log_name FROM mysql.slave_master_info"));
      assertEquals(0, errorOf(c, "CALL mysql.rds_next_source_log(2)"));
      assertEquals("mysql-bin.000003", aurora.query("SELECT Master_log_name FROM mysql.slave_master_info"));
      // GTID is off on this fixture (Aurora's default): auto-position is refused as on Aurora (ERROR 1777).
      assertEquals(1777, errorOf(c, "CALL mysql.rds_set_external_master_with_auto_position('127.0.0.1', " + source.port()
          + ", 'repl', 'repl-pw', 1)"));
      assertEquals(1777, errorOf(c, "CALL mysql.rds_set_external_source_with_auto_position('127.0.0.1', " + source.port()
          + ", 'repl', 'repl-pw', 1)"));
      assertEquals(0, errorOf(c, "CALL mysql.rds_set_master_auto_position(0)"));
      assertEquals(0, errorOf(c, "CALL mysql.rds_set_source_auto_position(0)"));
      assertEquals("0", aurora.query("SELECT AUTO_POSITION FROM performance_schema.replication_connection_configuration"));
      assertEquals(0, errorOf(c, "CALL mysql.rds_stop_replication"));
      assertEquals(0, errorOf(c, "CALL mysql.rds_reset_external_source"));
      assertTrue(aurora.queryRows("SHOW REPLICA STATUS").isEmpty());
      assertEquals(1644, errorOf(c, "CALL mysql.rds_next_source_log(3)"), "not a replica any more");
    }
  }

  private static List<String> showConfiguration(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("CALL mysql.rds_show_configuration")) {
      assertEquals("name", rs.getMetaData().getColumnLabel(1));
      assertEquals("value", rs.getMetaData().getColumnLabel(2));
      assertEquals("description", rs.getMetaData().getColumnLabel(3));
      while (rs.next()) out.add(rs.getString(1) + "\t" + rs.getString(2));
    }
    return out;
  }

  @Test
  void replicatesFromAnExternalSourceThroughTheRdsProcedures() throws Exception {
    source.sql("CREATE DATABASE IF NOT EXISTS ext", "CREATE TABLE IF NOT EXISTS ext.t (id INT PRIMARY KEY, v VARCHAR(30))");
    aurora.sql("CREATE DATABASE IF NOT EXISTS ext", "CREATE TABLE IF NOT EXISTS ext.t (id INT PRIMARY KEY, v VARCHAR(30))");
    String[] pos = source.binlogPosition();
    try (Connection c = aurora.connectAsAdmin()) {
      try (CallableStatement cs = c.prepareCall("CALL mysql.rds_set_external_source(?, ?, ?, ?, ?, ?, ?)")) {
        cs.setString(1, "127.0.0.1");
        cs.setInt(2, source.port());
        cs.setString(3, "repl");
        cs.setString(4, "repl-pw");
        cs.setString(5, pos[0]);
        cs.setLong(6, Long.parseLong(pos[1]));
        cs.setInt(7, 1); // caching_sha2_password: a plain replication connection would be refused
        cs.execute();
      }
      errorOf(c, "CALL mysql.rds_start_replication");
      source.sql("INSERT INTO ext.t VALUES (1, 'one'), (2, 'two')");
      aurora.awaitCaughtUp(source, Duration.ofSeconds(30));
      assertEquals(Contents.of(source, "ext"), Contents.of(aurora, "ext"));

      // A conflicting row stops the SQL thread with 1062; rds_skip_repl_error skips that event.
      aurora.sql("INSERT INTO ext.t VALUES (3, 'on the target')");
      source.sql("INSERT INTO ext.t VALUES (3, 'on the source')", "INSERT INTO ext.t VALUES (4, 'next')");
      awaitSqlError(1062);
      assertEquals(0, errorOf(c, "CALL mysql.rds_skip_repl_error"));
      aurora.awaitCaughtUp(source, Duration.ofSeconds(30));
      assertEquals("next", aurora.query("SELECT v FROM ext.t WHERE id = 4"));
      assertEquals("on the target", aurora.query("SELECT v FROM ext.t WHERE id = 3"));

      assertEquals(0, errorOf(c, "CALL mysql.rds_stop_replication"));
      assertEquals(0, errorOf(c, "CALL mysql.rds_reset_external_source"));
      assertTrue(aurora.queryRows("SHOW REPLICA STATUS").isEmpty());
    }
  }

  private static void awaitSqlError(int code) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = aurora.query("SELECT CONCAT(LAST_ERROR_NUMBER, ' ', LAST_ERROR_MESSAGE) FROM"
          + " performance_schema.replication_applier_status_by_worker WHERE LAST_ERROR_NUMBER <> 0 LIMIT 1");
      if (last != null && last.startsWith(code + " ")) return;
      Thread.sleep(100);
    }
    throw new AssertionError("no replication error " + code + ": " + last);
  }

  @Test
  void rds84HasOnlyTheSourceNamesAndReplicatesByGtidAutoPosition() throws Exception {
    try (LocalMySql gtidSource = LocalMySql.start(new LocalMySql.Options().name("ext-gtid-source"));
        AuroraLikeMySql rds84 = AuroraLikeMySql.start(new AuroraLikeMySql.Options().name("rds84")
            .generation(Generation.RDS_MYSQL_84).gtid(true))) {
      assertEquals("rds-mysql", rds84.flavor());
      List<String> procs = rds84.queryRows("SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'mysql'"
          + " AND ROUTINE_NAME LIKE 'rds\\_%' ORDER BY ROUTINE_NAME");
      assertFalse(procs.stream().anyMatch(p -> p.contains("master")), procs.toString());
      assertFalse(procs.contains("rds_set_read_only"), procs.toString());
      assertTrue(procs.contains("rds_set_external_source_with_auto_position"), procs.toString());
      gtidSource.sql("CREATE USER 'repl'@'%' IDENTIFIED BY 'repl-pw'", "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'",
          "CREATE DATABASE g", "CREATE TABLE g.t (id INT PRIMARY KEY)", "INSERT INTO g.t VALUES (1), (2)");
      try (Connection c = rds84.connectAsAdmin()) {
        // 8.4: host, port, user, password, ssl_encryption, delay.
        assertEquals(0, errorOf(c, "CALL mysql.rds_set_external_source_with_auto_position('127.0.0.1', " + gtidSource.port()
            + ", 'repl', 'repl-pw', 1, 0)"));
        assertEquals(0, errorOf(c, "CALL mysql.rds_start_replication"));
        gtidSource.sql("INSERT INTO g.t VALUES (3)");
        rds84.awaitCaughtUp(gtidSource, Duration.ofSeconds(30));
        assertEquals(Contents.of(gtidSource, "g"), Contents.of(rds84, "g"));
        assertEquals(1318, errorOf(c, "CALL mysql.rds_set_external_source_with_auto_position('127.0.0.1', 1, 'u', 'p', 1)"),
            "8.4 takes the delay argument");
        assertEquals(1305, errorOf(c, "CALL mysql.rds_set_external_master('h', 1, 'u', 'p', 'f', 4, 1)"));
        assertEquals(0, errorOf(c, "CALL mysql.rds_stop_replication"));
        assertEquals(0, errorOf(c, "CALL mysql.rds_reset_external_source"));
      }
      try (WriteLoad load = WriteLoad.start(rds84, "wl", "t", "app", 5)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (load.writes() < 20 && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(load.writes() >= 20, "WriteLoad over TLS: " + load.lastError());
      }
    }
  }

  @Test
  void rds80HasOnlyTheMasterNames() {
    try (AuroraLikeMySql rds80 = AuroraLikeMySql.start(new AuroraLikeMySql.Options().name("rds80")
        .generation(Generation.RDS_MYSQL_80).requireSecureTransport(false))) {
      List<String> procs = rds80.queryRows("SELECT CONCAT(SPECIFIC_NAME, '/', (SELECT COUNT(*) FROM information_schema.PARAMETERS p"
          + " WHERE p.SPECIFIC_SCHEMA = 'mysql' AND p.SPECIFIC_NAME = r.SPECIFIC_NAME AND p.PARAMETER_MODE IS NOT NULL))"
          + " FROM information_schema.ROUTINES r WHERE ROUTINE_SCHEMA = 'mysql' AND ROUTINE_NAME LIKE 'rds\\_%' ORDER BY 1");
      assertEquals(List.of("rds_next_master_log/1", "rds_reset_external_master/0", "rds_set_configuration/2",
          "rds_set_external_master/7", "rds_set_external_master_with_auto_position/6", "rds_set_master_auto_position/1",
          "rds_show_configuration/0", "rds_skip_repl_error/0", "rds_skip_transaction_with_gtid/1",
          "rds_start_replication/0", "rds_stop_replication/0"), procs);
      assertEquals("0", rds80.query("SELECT @@require_secure_transport"));
    }
  }
}
