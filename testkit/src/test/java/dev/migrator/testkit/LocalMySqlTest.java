package dev.migrator.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.servers.MySqlServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Real MySQL 9.7 servers from the sid root: parallel starts, replication, write load, Sakila, lifecycle. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalMySqlTest {
  static LocalMySql source;
  static LocalMySql replica;

  @BeforeAll
  static void start() {
    MySqlTesting.assumeMySql();
    CompletableFuture<LocalMySql> s = CompletableFuture.supplyAsync(() -> LocalMySql.start("my-src"));
    CompletableFuture<LocalMySql> r = CompletableFuture.supplyAsync(() ->
        LocalMySql.start(new LocalMySql.Options().name("my-replica").clonePlugin(true)));
    source = s.join();
    replica = r.join();
  }

  @AfterAll
  static void stop() {
    if (source != null) source.close();
    if (replica != null) replica.close();
  }

  @Test
  @Order(0)
  void parallelServersAreDistinctMySql97WithGtidAndRowBinlog() {
    assertNotEquals(source.port(), replica.port());
    assertNotEquals(source.serverId(), replica.serverId());
    assertEquals(String.valueOf(source.serverId()), source.query("SELECT @@server_id"));
    assertNotEquals(source.serverUuid(), replica.serverUuid(), "each copy of the template gets its own UUID");
    assertTrue(source.query("SELECT VERSION()").startsWith("9.7."), source.query("SELECT VERSION()"));
    assertEquals("ON", source.query("SELECT @@gtid_mode"));
    assertEquals("ON", source.query("SELECT @@enforce_gtid_consistency"));
    assertEquals("ROW", source.query("SELECT @@binlog_format"));
    assertTrue(source.binlogPosition()[0].startsWith("mysql-bin."), source.binlogPosition()[0]);
    assertEquals("ACTIVE", replica.query("SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'clone'"));
    // The clone plugin works from the root's plugin dir (a later freeze method builds on it).
    java.nio.file.Path cloned = replica.dir().resolve("clone-test");
    replica.sql("CLONE LOCAL DATA DIRECTORY = " + AbstractLocalServer.quote(cloned.toString()));
    assertTrue(java.nio.file.Files.exists(cloned.resolve("mysql.ibd")), "cloned data dir");
    dev.migrator.servers.ServerProcess.deleteTree(cloned);
    assertEquals("mysql", source.flavor());
    assertEquals(LocalServer.Engine.MYSQL, source.engine());
    assertEquals("root", source.endpoint().user);
    assertTrue(source.endpoint().password.startsWith("file:"));
  }

  @Test
  @Order(1)
  void replicatesByGtidAutoPositionAndByFilePosition() {
    // First, before other tests write to the source: a fresh replica gets the source's whole history by GTID.
    source.sql("CREATE DATABASE r1", "CREATE TABLE r1.t (id INT PRIMARY KEY, v VARCHAR(20))",
        "INSERT INTO r1.t VALUES (1, 'before')");
    replica.replicateFrom(source, true);
    source.sql("INSERT INTO r1.t VALUES (2, 'gtid')", "UPDATE r1.t SET v = 'changed' WHERE id = 1");
    replica.awaitCaughtUp(source, Duration.ofSeconds(30));
    assertEquals(Contents.of(source, "r1"), Contents.of(replica, "r1"));
    assertEquals("1", replica.query("SELECT AUTO_POSITION FROM performance_schema.replication_connection_configuration"));

    replica.resetReplication();
    replica.replicateFrom(source); // the source's current file and position (SOURCE_AUTO_POSITION=0 with GTID on)
    source.sql("INSERT INTO r1.t VALUES (3, 'file-pos')", "DELETE FROM r1.t WHERE id = 2");
    replica.awaitCaughtUp(source, Duration.ofSeconds(30));
    assertEquals(Contents.of(source, "r1"), Contents.of(replica, "r1"));
    assertEquals("0", replica.query("SELECT AUTO_POSITION FROM performance_schema.replication_connection_configuration"));
    assertEquals("1", replica.query("SELECT COUNT(*) FROM r1.t WHERE id = 3"));
    assertEquals("Yes", replica.query("SELECT IF(SERVICE_STATE = 'ON', 'Yes', 'No') FROM performance_schema.replication_connection_status"));
    replica.resetReplication();
  }

  @Test
  void writeLoadWritesAndIsRefusedByReadOnly() throws Exception {
    try (WriteLoad load = WriteLoad.start(source, "wl", "events", "app", 5)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (load.writes() < 50 && System.nanoTime() < deadline) Thread.sleep(20);
      assertTrue(load.writes() >= 50, "writes: " + load.writes() + " last error: " + load.lastError());
      source.sql("SET GLOBAL read_only = 1");
      try {
        deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (load.refused() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(load.refused() > 0, "read_only refuses the application account: " + load.lastError());
      } finally {
        source.sql("SET GLOBAL read_only = 0");
      }
    }
    assertTrue(Long.parseLong(source.query("SELECT COUNT(*) FROM wl.events")) > 0);
  }

  @Test
  void sakilaLoadsIntoMySqlWithTheSameRowCountsAsIntoMariaDb() {
    Sakila.load(source);
    Map<String, String> mysqlCounts = counts(source);
    assertEquals(16, mysqlCounts.size(), mysqlCounts.toString());
    assertEquals("16044", mysqlCounts.get("rental"));
    assertEquals("1000", mysqlCounts.get("film"));
    assertTrue(Integer.parseInt(source.query("SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'sakila'")) > 0);
    assertTrue(Integer.parseInt(source.query("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'sakila'")) > 0);
    try (LocalMariaDb maria = LocalMariaDb.start("sakila-maria")) {
      Sakila.load(maria);
      assertEquals(counts(maria), mysqlCounts);
      // CHECKSUM TABLE is not comparable across engines (row formats differ): Contents compares within one engine.
      System.out.println("sakila contents, MySQL 9.7:\n" + Contents.of(source, "sakila") + "MariaDB:\n"
          + Contents.of(maria, "sakila"));
    }
  }

  private static Map<String, String> counts(LocalServer db) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String t : db.queryRows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'sakila'"
        + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
      m.put(t, db.query("SELECT COUNT(*) FROM sakila.`" + t + "`"));
    }
    return m;
  }

  @Test
  void stopRestartAndKillKeepTheData() {
    long t0 = System.nanoTime();
    try (LocalMySql db = LocalMySql.start(new LocalMySql.Options().name("my-life").gtid(false))) {
      long started = System.nanoTime();
      assertEquals("OFF", db.query("SELECT @@gtid_mode"));
      db.sql("CREATE DATABASE life", "CREATE TABLE life.t (id INT PRIMARY KEY)", "INSERT INTO life.t VALUES (1)");
      int port = db.port();
      db.stop();
      long stopped = System.nanoTime();
      assertTrue(!db.isRunning());
      db.restart();
      long restarted = System.nanoTime();
      assertEquals(port, db.port());
      assertEquals("1", db.query("SELECT COUNT(*) FROM life.t"));
      db.kill();
      long killed = System.nanoTime();
      db.restart();
      long recovered = System.nanoTime();
      assertEquals("1", db.query("SELECT COUNT(*) FROM life.t"));
      System.out.printf("timings (ms): start (template copy + start) %d, stop %d, restart %d, kill %d, restart after kill %d%n",
          (started - t0) / 1_000_000, (stopped - started) / 1_000_000, (restarted - stopped) / 1_000_000,
          (killed - restarted) / 1_000_000, (recovered - killed) / 1_000_000);
    }
  }

  @Test
  void withoutTheRootStartingFailsNamingBinSetup() {
    String before = System.getProperty("MIGRATOR_MYSQL_ROOT");
    System.setProperty("MIGRATOR_MYSQL_ROOT", "/nonexistent/mysql-root");
    try {
      assertTrue(MySqlServer.find().isEmpty());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalMySql.start("nothing"));
      assertTrue(e.getMessage().contains("bin/setup") && e.getMessage().contains("/nonexistent/mysql-root"), e.getMessage());
    } finally {
      if (before == null) System.clearProperty("MIGRATOR_MYSQL_ROOT");
      else System.setProperty("MIGRATOR_MYSQL_ROOT", before);
    }
  }

  @Test
  void clientRunsSqlFiles() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("client-", ".sql");
    try {
      java.nio.file.Files.writeString(f, "CREATE DATABASE IF NOT EXISTS cl;\nDELIMITER $$\n"
          + "CREATE PROCEDURE cl.p() BEGIN SELECT 1; END$$\nDELIMITER ;\n");
      source.loadSqlFile(f);
      assertEquals(List.of("p"), source.queryRows("SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'cl'"));
    } finally {
      java.nio.file.Files.deleteIfExists(f);
    }
  }
}
