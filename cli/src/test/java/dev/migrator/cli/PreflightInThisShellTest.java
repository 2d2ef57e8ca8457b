package dev.migrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code migrator preflight} resolves password references in its own shell, and says so. */
class PreflightInThisShellTest {
  @Test
  void anUnsetVariableIsReportedAsNotSetInThisShell() throws Exception {
    Path f = Files.createTempFile("preflight-", ".json");
    Files.writeString(f, "{\"source\": {\"host\": \"127.0.0.1\", \"port\": 1, \"user\": \"root\","
        + " \"password\": \"env:MIGRATOR_TEST_UNSET_SOURCE_PW\"},"
        + " \"target\": {\"host\": \"127.0.0.2\", \"port\": 1, \"user\": \"root\","
        + " \"password\": \"env:MIGRATOR_TEST_UNSET_TARGET_PW\"}, \"schemas\": [\"shop\"],"
        + " \"replication\": {\"password\": \"env:MIGRATOR_TEST_UNSET_REPL_PW\"}}");
    PrintStream was = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code = Main.run("preflight", "-f", f.toString());
    } finally {
      System.setOut(was);
      Files.deleteIfExists(f);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(3, code, out);
    assertTrue(out.contains("environment variable MIGRATOR_TEST_UNSET_SOURCE_PW is not set in this shell"), out);
    assertFalse(out.contains("on the worker;"), out);
  }
}
