package dev.migrator.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.mysql.CredentialResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Proof of exact coordinates: frozen contents + replication from the coordinates == source. */
final class FreezeTesting {
  private FreezeTesting() {}

  static Endpoint endpoint(LocalMariaDb db) {
    return new Endpoint(db.host(), db.port(), "root", db.rootPasswordRef());
  }

  static MigrationRequest request(String method, LocalMariaDb source, LocalMariaDb target, String schema) {
    MigrationRequest r = new MigrationRequest();
    r.method = method;
    r.source = endpoint(source);
    r.target = endpoint(target);
    r.schemas = new ArrayList<>(List.of(schema));
    return r;
  }

  /** mariadb-dump of {@code schema} from the frozen endpoint, loaded into {@code target}. */
  static void loadFrozenInto(Endpoint frozen, String schema, LocalMariaDb target, Path tmp) throws Exception {
    String pw = new CredentialResolver().resolve(frozen.password, "frozen");
    Path dump = tmp.resolve("frozen-" + System.nanoTime() + ".sql");
    ProcessBuilder pb = new ProcessBuilder("mariadb-dump", "--protocol=TCP", "-h", frozen.host, "-P",
        String.valueOf(frozen.port), "-u", frozen.user, "--single-transaction", "--skip-add-locks",
        "--default-character-set=utf8mb4", "--databases", schema)
        .redirectOutput(dump.toFile()).redirectError(tmp.resolve("dump.err").toFile());
    pb.environment().put("MYSQL_PWD", pw);
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("mariadb-dump failed: " + Files.readString(tmp.resolve("dump.err")));
    }
    target.loadSqlFile(dump);
  }

  static void replicateAt(LocalMariaDb target, LocalMariaDb source, BinlogCoordinates c) {
    target.sql("STOP SLAVE", "RESET SLAVE ALL",
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + source.port()
            + ", MASTER_USER='root', MASTER_PASSWORD='" + source.rootPassword() + "', MASTER_LOG_FILE='" + c.file
            + "', MASTER_LOG_POS=" + c.position + ", MASTER_USE_GTID=no, MASTER_CONNECT_RETRY=1",
        "START SLAVE");
  }

  /**
   * Waits until {@code replica} executed the source's current end of binlog (the load is
   * stopped), failing on any replication error, e.g. 1062/1032 from wrong coordinates.
   */
  static void awaitCaughtUp(LocalMariaDb replica, LocalMariaDb source) throws InterruptedException {
    String[] master = source.queryRows("SHOW MASTER STATUS").get(0).split("\t");
    for (int i = 0; i < 3000; i++) {
      String file = field(replica, "Relay_Master_Log_File");
      String pos = field(replica, "Exec_Master_Log_Pos");
      String err = field(replica, "Last_SQL_Errno");
      if (!"0".equals(err)) {
        throw new AssertionError("replication failed: " + err + " " + field(replica, "Last_SQL_Error"));
      }
      String ioErr = field(replica, "Last_IO_Errno");
      if (!"0".equals(ioErr)) throw new AssertionError("replication IO failed: " + field(replica, "Last_IO_Error"));
      if (master[0].equals(file) && master[1].equals(pos)) return;
      Thread.sleep(100);
    }
    throw new AssertionError("the replica did not reach " + master[0] + ":" + master[1]);
  }

  static String field(LocalMariaDb db, String column) {
    try (var c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery("SHOW SLAVE STATUS")) {
      return rs.next() ? rs.getString(column) : null;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void assertSameContents(LocalMariaDb source, LocalMariaDb target, String schema) {
    String want = Contents.of(source, schema);
    assertEquals(want, Contents.of(target, schema));
    if (want.isBlank()) throw new AssertionError("nothing compared");
  }

  static void awaitWrites(dev.migrator.testkit.WriteLoad load, long atLeast) throws InterruptedException {
    long start = load.writes();
    for (int i = 0; i < 6000 && load.writes() < start + atLeast; i++) Thread.sleep(10);
  }

  static Path tempDir(String name) {
    try {
      return Files.createTempDirectory("migrator-" + name + "-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
