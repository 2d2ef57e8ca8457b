package dev.migrator.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.servers.ServerProcess;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.temporal.TemporalTestServerProcess;
import dev.migrator.testkit.temporal.WorkerProcess;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's "done when": a whole migration (MariaDB → MariaDB: copy, replication, approval by
 * update, cutover with reverse replication) by a worker in its own process, payloads encrypted,
 * the worker logging at DEBUG in its production format; then its log and the histories of the
 * migration and its children, as the server stores them and decrypted, are searched for every
 * password and key the run used: the root passwords of both servers, the replication password and
 * the payload key. None may appear; their references ({@code file:/...}) may.
 */
class SecretsEndToEndTest {
  static final String SCHEMA = "secrets_probe";
  static final String KEY_ID = "secrets-e2e";

  static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  static Path secretFile(Path dir, String name, String value) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, value + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  @Test
  void noPasswordNorKeyInTheHistoriesOrTheWorkerLog() throws Exception {
    Path dir = Files.createTempDirectory("migrator-secrets-");
    byte[] keyBytes = random(32);
    String key = Base64.getEncoder().encodeToString(keyBytes);
    String replicationPassword = "repl-" + HexFormat.of().formatHex(random(12));
    Path keyFile = secretFile(dir, "payload.key", key);
    Path replicationFile = secretFile(dir, "replication.password", replicationPassword);
    String id = "secrets-" + System.currentTimeMillis();
    try (TemporalTestServerProcess temporal = TemporalTestServerProcess.start();
        LocalMariaDb source = LocalMariaDb.start("sec-src"); LocalMariaDb target = LocalMariaDb.start("sec-dst")) {
      source.sql("CREATE DATABASE " + SCHEMA, "CREATE TABLE " + SCHEMA + ".items (id INT PRIMARY KEY, v VARCHAR(20))",
          "INSERT INTO " + SCHEMA + ".items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
      Map<String, String> env = new LinkedHashMap<>();
      env.put("MIGRATOR_PAYLOAD_KEY", "file:" + keyFile);
      env.put("MIGRATOR_PAYLOAD_KEY_ID", KEY_ID);
      env.put("MIGRATOR_LOG_LEVEL", "DEBUG");
      // The production logback.xml (stderr, with the migration id), not the tests' logback-test.xml.
      env.put("JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=logback.xml");
      PayloadEncryptionCodec codec = PayloadKeys.of("file:" + keyFile, KEY_ID, null).codec(MigratorWorker.credentials());
      WorkflowClient client = MigratorWorker.client(new TemporalConnection(temporal.target(), "default"), codec);
      Path log;
      try (WorkerProcess worker = WorkerProcess.start(temporal.target(), null, env)) {
        log = worker.log();
        MigrationRequest r = E2E.request(source, target, SCHEMA);
        r.migrationId = id;
        r.replication.password = "file:" + replicationFile;
        r.cutover.reverseReplication = true; // the replication account on the target too
        MigrationWorkflow wf = E2E.start(client, id, r);
        E2E.await(wf, Duration.ofMinutes(3), s -> "approve".equals(s.currentStep));
        approve(wf);
        MigrationResult result = E2E.result(wf, Duration.ofMinutes(3));
        assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
        assertEquals("3", target.query("SELECT COUNT(*) FROM " + SCHEMA + ".items"));
      }

      Map<String, String> secrets = new LinkedHashMap<>();
      secrets.put("source root password", source.rootPassword());
      secrets.put("target root password", target.rootPassword());
      secrets.put("replication password", replicationPassword);
      secrets.put("payload key (base64, as in its file)", key);
      secrets.put("payload key (hex)", HexFormat.of().formatHex(keyBytes));
      secrets.put("payload key (base64 url)", Base64.getUrlEncoder().withoutPadding().encodeToString(keyBytes));

      // Histories as the server stores them, fetched without the codec, and decrypted with it.
      WorkflowClient plain = MigratorWorker.client(temporal.target(), "default");
      List<History> histories = histories(plain, id);
      assertTrue(histories.size() >= 2, "the migration and its children: " + histories.size());
      StringBuilder stored = new StringBuilder();
      StringBuilder decrypted = new StringBuilder();
      int payloads = 0;
      for (History h : histories) {
        stored.append(JsonFormat.printer().print(h)).append('\n');
        List<Payload> ps = payloads(h);
        payloads += ps.size();
        for (Payload p : ps) stored.append(p.getData().toString(StandardCharsets.UTF_8)).append('\n');
        for (Payload p : codec.decode(ps)) decrypted.append(p.getData().toString(StandardCharsets.UTF_8)).append('\n');
      }
      String logText = Files.readString(log);
      for (Map.Entry<String, String> s : secrets.entrySet()) {
        assertFalse(stored.indexOf(s.getValue()) >= 0, s.getKey() + " in a history as stored");
        assertFalse(decrypted.indexOf(s.getValue()) >= 0, s.getKey() + " in a decrypted history");
        assertFalse(logText.contains(s.getValue()), s.getKey() + " in the worker's log " + log);
      }

      // The controls: the search covered what it should.
      assertTrue(payloads > 50, "inputs, results, signals, the update, activity inputs and results: " + payloads);
      assertTrue(decrypted.indexOf("file:" + replicationFile) >= 0, "the references are there, decrypted");
      assertTrue(decrypted.indexOf(SCHEMA) >= 0, "the request, decrypted");
      assertFalse(stored.indexOf(SCHEMA) >= 0, "encrypted as stored");
      assertTrue(logText.contains("Temporal at " + temporal.target()), "the worker's startup line");
      assertTrue(logText.contains("DEBUG"), "DEBUG lines too");
      // The worker logs little per migration (startup, TLS warnings, the snapshot's coordinates):
      // what matters is that the activities' lines, under this migration's id, are in the file.
      assertTrue(logText.contains("migration=" + id), "the activities' lines, with the migration id");
      assertTrue(logText.lines().count() >= 5, "a log to search: " + logText.lines().count() + " lines");
      System.out.println(histories.size() + " histories (" + payloads + " payloads) and a worker log of "
          + logText.lines().count() + " lines: none holds a password or the key");
    } finally {
      ServerProcess.deleteTree(dir);
    }
  }

  /** Through the update (its argument is a payload too), retried while lag settles. */
  static void approve(MigrationWorkflow wf) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      try {
        wf.approveCutoverBy(new dev.migrator.model.OperatorAction("secrets test", "test@localhost"));
        return;
      } catch (RuntimeException refused) {
        if (System.nanoTime() > deadline) throw refused;
        Thread.sleep(300);
      }
    }
  }

  /** The migration's history and its children's (table copies, catch-up, approval watch). */
  static List<History> histories(WorkflowClient client, String id) {
    List<History> out = new ArrayList<>();
    Deque<String> ids = new ArrayDeque<>(List.of(id));
    while (!ids.isEmpty()) {
      History h = client.fetchHistory(ids.pop()).getHistory();
      for (HistoryEvent e : h.getEventsList()) {
        if (e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
          ids.add(e.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId());
        }
      }
      out.add(h);
    }
    return out;
  }

  /** Every Payload in the history's events (inputs, results, signal and update arguments, failures' details, memos). */
  static List<Payload> payloads(com.google.protobuf.Message m) {
    List<Payload> out = new ArrayList<>();
    collect(m, out);
    return out;
  }

  private static void collect(Object o, List<Payload> out) {
    if (o instanceof Payload p) {
      out.add(p);
    } else if (o instanceof Payloads ps) {
      out.addAll(ps.getPayloadsList());
    } else if (o instanceof com.google.protobuf.Message m) {
      for (var f : m.getAllFields().entrySet()) {
        if (f.getValue() instanceof List<?> l) l.forEach(x -> collect(x, out));
        else if (f.getValue() instanceof Map<?, ?> mp) mp.values().forEach(x -> collect(x, out));
        else collect(f.getValue(), out);
      }
    }
  }
}
