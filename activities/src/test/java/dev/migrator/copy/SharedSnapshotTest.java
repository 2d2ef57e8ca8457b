package dev.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.Session;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import dev.migrator.testkit.WriteLoad;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parallel live-consistent copy (issue 18): three connections open ONE snapshot while a writer
 * commits as fast as it can, on MariaDB (equal binlog_snapshot positions) and MySQL 9.7 (the backup
 * lock and two equal log_status reads); every connection sees exactly the same rows, and keeps
 * seeing them while the writer goes on.
 */
class SharedSnapshotTest {
  @Test
  void mariaDbConnectionsShareOneSnapshotUnderWrites() throws Exception {
    try (LocalMariaDb db = LocalMariaDb.start("shared-snap")) {
      sameRowsInEveryConnection(db, "binlog_snapshot");
    }
  }

  @Test
  void mySqlConnectionsShareOneSnapshotUnderWrites() throws Exception {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
    try (LocalMySql db = LocalMySql.start("shared-snap-my")) {
      sameRowsInEveryConnection(db, "log_status");
    }
  }

  private static void sameRowsInEveryConnection(LocalServer db, String how) throws Exception {
    Connector connector = new Connector(new CredentialResolver());
    try (WriteLoad load = WriteLoad.start(db, "shop", "orders", "app", 0)) {
      while (load.writes() < 200) Thread.sleep(20);
      List<Connection> cs = new ArrayList<>();
      try {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          Connection c = connector.open("source", db.endpoint());
          cs.add(c);
          sessions.add(new Session(c, db.endpoint()));
        }
        try (ConsistentSnapshot.Shared s = ConsistentSnapshot.openShared(sessions.get(0), sessions.subList(1, 3))) {
          assertEquals(2, s.followers().size(), s.lead().how());
          assertTrue(s.lead().how().contains(how) && s.lead().how().contains("shared by 3"), s.lead().how());
          long writesAtStart = load.writes();
          List<String> seen = new ArrayList<>();
          for (Connection c : cs) seen.add(Jdbc.scalar(c, "SELECT CONCAT(COUNT(*), '/', MAX(id)) FROM shop.orders"));
          while (load.writes() < writesAtStart + 100) Thread.sleep(20);
          for (Connection c : cs) seen.add(Jdbc.scalar(c, "SELECT CONCAT(COUNT(*), '/', MAX(id)) FROM shop.orders"));
          assertEquals(1, seen.stream().distinct().count(), "one snapshot in every connection: " + seen);
        }
      } finally {
        for (Connection c : cs) c.close();
      }
    }
  }
}
