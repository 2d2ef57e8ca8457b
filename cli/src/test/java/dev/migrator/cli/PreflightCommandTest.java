package dev.migrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.migrator.testkit.LocalMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `migrator preflight` against real servers: exit 0 when clean, 3 when something blocks. */
class PreflightCommandTest {
  static LocalMariaDb source;
  static LocalMariaDb target;

  @BeforeAll
  static void start() {
    source = LocalMariaDb.start("pf-src");
    target = LocalMariaDb.start("pf-dst");
    source.sql("CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)");
  }

  @AfterAll
  static void stop() {
    if (source != null) source.close();
    if (target != null) target.close();
  }

  private Path request() throws Exception {
    Path f = Files.createTempFile("request", ".json");
    Files.writeString(f, "{\"source\":{\"host\":\"127.0.0.1\",\"port\":" + source.port() + ",\"password\":\""
        + source.rootPasswordRef() + "\"},\"target\":{\"host\":\"127.0.0.1\",\"port\":" + target.port()
        + ",\"password\":\"" + target.rootPasswordRef() + "\"},\"schemas\":[\"shop\"],"
        + "\"replication\":{\"password\":\"" + source.rootPasswordRef() + "\"}}");
    return f;
  }

  @Test
  void cleanPairPassesAndAnExistingTargetSchemaBlocks() throws Exception {
    Path f = request();
    assertEquals(0, Main.run("preflight", "-f", f.toString()));
    target.sql("CREATE DATABASE shop");
    try {
      assertEquals(3, Main.run("preflight", "-f", f.toString(), "--json"));
    } finally {
      target.sql("DROP DATABASE shop");
    }
  }
}
