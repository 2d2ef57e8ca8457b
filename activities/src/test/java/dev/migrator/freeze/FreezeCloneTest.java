package dev.migrator.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.activities.FreezeActivities;
import dev.migrator.activities.StepInputs;
import dev.migrator.adapters.FreezeActivitiesImpl;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.servers.MySqlServer;
import dev.migrator.servers.ServerProcess;
import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.WriteLoad;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The clone freeze on real MySQL 9.7: a temporary server made by CLONE INSTANCE FROM a source
 * under a write load (the source without the clone plugin: the freeze installs it), whose
 * performance_schema.clone_status coordinates are exact (the clone, started as a replica of the
 * source at them, ends equal to the source); a second worker finds the same server again by name
 * (a crashed worker's retry) and the release stops it and deletes its directory.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FreezeCloneTest {

  @Test
  void cloneUnderLoadHasExactCoordinatesAndIsFoundAgainAndReleased() throws Exception {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
    Path work = Files.createTempDirectory("migrator-clone-work-");
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (LocalMySql source = LocalMySql.start("clone-src")) {
      Connector connector = new Connector(new CredentialResolver());
      env.registerActivitiesImplementations(new FreezeActivitiesImpl(connector, FreezeConfig.forWorkDir(work)));
      FreezeActivities freeze = env.newActivityStub(FreezeActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(4)).setHeartbeatTimeout(Duration.ofMinutes(2))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      MigrationRequest r = new MigrationRequest();
      r.migrationId = "clone-m1";
      r.source = source.endpoint();
      r.method = FreezeMethod.CLONE;
      r.schemas.add("shop");
      FrozenCopy f;
      try (WriteLoad load = WriteLoad.start(source, "shop", "orders", "shop_app", 2)) {
        while (load.writes() < 300) ServerProcess.sleep(20);
        f = freeze.freeze(StepInputs.freeze(r));
        long atFreeze = load.writes();
        while (load.writes() < atFreeze + 300) ServerProcess.sleep(20);
      }
      assertNotNull(f.coordinates, "clone_status coordinates");
      assertNotNull(f.coordinates.gtidSet, "GTID_EXECUTED of the clone: " + f.coordinates);
      assertTrue(f.note.contains("clone_status"), f.note);
      assertEquals("ACTIVE", source.query("SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'clone'"));
      String password = Files.readString(Path.of(f.endpoint.password.substring("file:".length()))).trim();
      String url = "jdbc:mysql://127.0.0.1:" + f.endpoint.port + "/?useSSL=false&allowPublicKeyRetrieval=true";

      // The clone is read-only and not binlogged; its rows are the source's at the coordinates.
      try (Connection c = DriverManager.getConnection(url, "root", password); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT @@GLOBAL.read_only, @@GLOBAL.log_bin")) {
          rs.next();
          assertEquals("1", rs.getString(1));
          assertEquals("0", rs.getString(2));
        }
        // Exactness: replicate from the coordinates (file/position) and end equal to the source.
        s.execute("CHANGE REPLICATION SOURCE TO SOURCE_HOST = '127.0.0.1', SOURCE_PORT = " + source.port()
            + ", SOURCE_USER = 'root', SOURCE_PASSWORD = '" + source.rootPassword() + "', SOURCE_LOG_FILE = '"
            + f.coordinates.file + "', SOURCE_LOG_POS = " + f.coordinates.position
            + ", SOURCE_AUTO_POSITION = 0, SOURCE_SSL = 1, SOURCE_CONNECT_RETRY = 1");
        s.execute("START REPLICA");
        String[] want = source.binlogPosition();
        long deadline = System.currentTimeMillis() + 90_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
          try (ResultSet rs = s.executeQuery("SHOW REPLICA STATUS")) {
            rs.next();
            last = rs.getString("Relay_Source_Log_File") + ":" + rs.getString("Exec_Source_Log_Pos") + " "
                + rs.getString("Last_Error");
            if (want[0].equals(rs.getString("Relay_Source_Log_File"))
                && rs.getLong("Exec_Source_Log_Pos") >= Long.parseLong(want[1])) break;
          }
          ServerProcess.sleep(100);
        }
        assertEquals(want[0] + ":" + want[1], last.split(" ")[0], "caught up: " + last);
        s.execute("STOP REPLICA");
        s.execute("RESET REPLICA ALL");
      }
      String frozenContents = contents(url, password, "shop");
      assertEquals(Contents.of(source, "shop"), frozenContents);

      // Another worker (after a crash of this one) finds the same server by name: same endpoint, same coordinates.
      TestActivityEnvironment env2 = TestActivityEnvironment.newInstance();
      try {
        env2.registerActivitiesImplementations(new FreezeActivitiesImpl(connector, FreezeConfig.forWorkDir(work)));
        FreezeActivities again = env2.newActivityStub(FreezeActivities.class, ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(4))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
        FrozenCopy g = again.freeze(StepInputs.freeze(r));
        assertEquals(f.endpoint.port, g.endpoint.port);
        assertEquals(f.coordinates.toString(), g.coordinates.toString());
        assertTrue(g.note.contains("reused"), g.note);
        again.releaseFrozenCopy(StepInputs.freeze(r));
        again.releaseFrozenCopy(StepInputs.freeze(r)); // idempotent
      } finally {
        env2.close();
      }
      assertFalse(Files.exists(Path.of(f.resourceId)), "the clone's directory is gone");
      assertFalse(new TempServer(Path.of(f.resourceId)).process().isPresent(), "the clone's server is stopped");
    } finally {
      env.close();
      ServerProcess.deleteTree(work);
    }
  }

  /** Contents.of for a server that is not a LocalServer: row count and CHECKSUM TABLE per table. */
  static String contents(String url, String password, String schema) throws Exception {
    StringBuilder b = new StringBuilder();
    try (Connection c = DriverManager.getConnection(url, "root", password); Statement s = c.createStatement()) {
      java.util.List<String> tables = new java.util.ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
          + schema + "' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
        while (rs.next()) tables.add(rs.getString(1));
      }
      for (String t : tables) {
        String q = "`" + schema + "`.`" + t + "`";
        String count;
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + q)) {
          rs.next();
          count = rs.getString(1);
        }
        try (ResultSet rs = s.executeQuery("CHECKSUM TABLE " + q + " EXTENDED")) {
          rs.next();
          b.append(t).append(" rows=").append(count).append(" checksum=").append(rs.getString(2)).append('\n');
        }
      }
    }
    return b.toString();
  }
}
