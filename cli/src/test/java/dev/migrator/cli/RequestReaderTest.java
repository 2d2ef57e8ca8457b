package dev.migrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.MigrationRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RequestReaderTest {
  static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("examples/request.json"))) p = p.getParent();
    return p;
  }

  @Test
  void theReadmeExamplePastesAsIs() throws Exception {
    String readme = Files.readString(repo().resolve("README.md"));
    int a = readme.indexOf("<!-- request-example:start -->");
    int b = readme.indexOf("<!-- request-example:end -->");
    String block = readme.substring(a, b);
    String json = block.substring(block.indexOf("```json") + 7, block.lastIndexOf("```"));
    MigrationRequest r = RequestReader.parse(json);
    assertEquals("shop-to-aurora", r.migrationId);
    assertEquals(json.strip(), Files.readString(repo().resolve("examples/request.json")).strip(),
        "examples/request.json and the README example are the same");
  }

  /**
   * The example matches the docker compose stack: its hosts are services there, the variables its
   * passwords name are in the worker's environment, both are MySQL 8.4, and Temporal runs from the
   * supported server image with its schema job (not the deprecated auto-setup image).
   */
  @Test
  void theExampleMatchesTheComposeStack() throws Exception {
    String compose = Files.readString(repo().resolve("docker-compose.yml"));
    MigrationRequest r = RequestReader.parse(Files.readString(repo().resolve("examples/request.json")));
    for (dev.migrator.model.Endpoint e : java.util.List.of(r.source, r.target)) {
      assertTrue(compose.contains("\n  " + e.host + ":\n    image: mysql:8.4\n"), e.host + " is a MySQL 8.4 service");
      assertEquals(3306, e.port);
    }
    for (String ref : java.util.List.of(r.source.password, r.target.password, r.replication.password)) {
      assertTrue(ref.startsWith("env:") && compose.contains("      " + ref.substring(4) + ": "), ref + " is in the worker's environment");
    }
    assertTrue(compose.contains("image: temporalio/server:") && compose.contains("temporal-sql-tool"), compose);
    assertTrue(!compose.contains("temporalio/auto-setup"), "the deprecated auto-setup image");
  }

  @Test
  void misspeltFieldIsNamedWithTheClosestValidOne() {
    RequestReader.BadRequest e = assertThrows(RequestReader.BadRequest.class, () -> RequestReader.parse(
        "{\"source\":{\"host\":\"a\",\"prot\":3306},\"target\":{\"host\":\"b\"},\"schemas\":[\"x\"]}"));
    assertTrue(e.getMessage().contains("source.prot"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'port'"), e.getMessage());
  }

  @Test
  void wrongTypesAndUnknownFieldsAreAllNamedAsTheWorkflowNamesThem() {
    RequestReader.BadRequest e = assertThrows(RequestReader.BadRequest.class, () -> RequestReader.parse(
        "{\"source\":{\"host\":\"a\",\"port\":\"abc\"},\"target\":{\"host\":\"b\"},\"shemas\":[\"x\"]}"));
    assertTrue(e.getMessage().contains("source.port must be a number, not \"abc\""), e.getMessage());
    assertTrue(e.getMessage().contains("unknown field 'shemas': did you mean 'schemas'?"), e.getMessage());
  }

  @Test
  void malformedJsonSaysWhere() {
    RequestReader.BadRequest e = assertThrows(RequestReader.BadRequest.class, () -> RequestReader.parse("{\"source\": "));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void literalPasswordIsRefusedWithoutEchoingIt() {
    RequestReader.BadRequest e = assertThrows(RequestReader.BadRequest.class, () -> RequestReader.parse(
        "{\"source\":{\"host\":\"a\",\"password\":\"hunter2\"},\"target\":{\"host\":\"b\"},\"schemas\":[\"x\"]}"));
    assertTrue(e.getMessage().contains("source.password must be a reference"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"));
  }

  @Test
  void cliExitsTwoOnBadInput() throws Exception {
    Path f = Files.createTempFile("bad", ".json");
    Files.writeString(f, "{\"schemas\": []}");
    assertEquals(2, Main.run("start", "-f", f.toString(), "--temporal", "127.0.0.1:1"));
    assertEquals(2, Main.run("start", "-f", "/no/such/file.json", "--temporal", "127.0.0.1:1"));
  }
}
