package dev.migrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.worker.MigratorWorker;
import dev.migrator.worker.PayloadEncryptionCodec;
import dev.migrator.worker.PayloadKeys;
import dev.migrator.testkit.temporal.TemporalDevServer;
import dev.migrator.worker.WorkerConfig;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole migration with payload encryption on the official dev server: what the server stores is
 * ciphertext, search attributes stay readable, the CLI decodes, and the codec server lets the
 * temporal CLI and the Web UI show the decrypted input.
 */
class EncryptedPayloadsTest {
  static final String SCHEMA = "cipher_probe_db";
  static final String KEY_ID = "probe-2026";
  static final String TOKEN = "ui-codec-" + HexFormat.of().formatHex(random(8));
  static final ObjectMapper JSON = new ObjectMapper();
  static Path binary;
  static Path dir;
  static Path keyFile;
  static PayloadEncryptionCodec keys;
  static CodecServer codec;
  static TemporalDevServer temporal;
  static MigratorWorker worker;
  static LocalMariaDb source;
  static LocalMariaDb target;
  static String id;

  static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  @BeforeAll
  static void start() throws Exception {
    Optional<Path> bin = TemporalDevServer.findBinary();
    assumeTrue(bin.isPresent() || TemporalDevServer.required(), TemporalDevServer.missingMessage());
    binary = bin.orElseThrow(() -> new IllegalStateException(TemporalDevServer.missingMessage()));
    dir = Files.createTempDirectory("migrator-encrypted-");
    keyFile = dir.resolve("payload.key");
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(random(32)) + "\n");
    PayloadKeys payloadKeys = PayloadKeys.of("file:" + keyFile, KEY_ID, null);
    keys = payloadKeys.codec(MigratorWorker.credentials());
    int uiPort = TemporalDevServer.freePort();
    codec = CodecServer.start("127.0.0.1", 0, keys, List.of("http://127.0.0.1:" + uiPort), TOKEN);
    // The Web UI decodes payloads through the codec server.
    temporal = TemporalDevServer.start(binary, TemporalDevServer.freePort(), uiPort, true,
        "--ui-codec-endpoint", codec.url());
    WorkerConfig wc = new WorkerConfig().target(temporal.target());
    wc.payloadKeys = payloadKeys;
    worker = MigratorWorker.start(wc);
    source = LocalMariaDb.start("enc-src");
    target = LocalMariaDb.start("enc-dst");
    source.sql("CREATE DATABASE " + SCHEMA, "CREATE TABLE " + SCHEMA + ".orders (id INT PRIMARY KEY, note VARCHAR(40))",
        "INSERT INTO " + SCHEMA + ".orders VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    id = "encrypted-" + System.currentTimeMillis();
    runMigration();
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) worker.close();
    if (temporal != null) temporal.close();
    if (codec != null) codec.close();
    if (source != null) source.close();
    if (target != null) target.close();
    if (keyFile != null) Files.deleteIfExists(keyFile);
    if (dir != null) Files.deleteIfExists(dir);
  }

  static MigrationRequest request() {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = id;
    r.source = new Endpoint(source.host(), source.port(), "root", source.rootPasswordRef());
    r.target = new Endpoint(target.host(), target.port(), "root", target.rootPasswordRef());
    r.schemas = new ArrayList<>(List.of(SCHEMA));
    r.replication.password = source.rootPasswordRef();
    r.replication.pollSeconds = 1;
    r.cutover.autoApprove = false; // approved through the update below: its argument is a payload too
    return r;
  }

  /** Runs the whole checklist: signals (progress), an update (approval), activities, children. */
  static void runMigration() throws Exception {
    MigrationWorkflow wf = worker.client().newWorkflowStub(MigrationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(id).setTaskQueue(MigrationWorkflow.TASK_QUEUE).build());
    WorkflowClient.start(wf::run, request());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    String approval = null;
    while (approval == null) {
      if (System.nanoTime() > deadline) throw new AssertionError("never approved: " + status(wf));
      MigrationStatus s = status(wf);
      if (s != null && s.paused && !s.allowedDecisions.isEmpty()) throw new AssertionError("paused: " + s.pausedReason);
      if (s != null && "approve".equals(s.currentStep)) {
        try {
          approval = wf.approveCutover("codec test");
        } catch (RuntimeException e) {
          // refused while lag settles
        }
      }
      Thread.sleep(300);
    }
    MigrationResult result = WorkflowStub.fromTyped(wf).getResult(180, TimeUnit.SECONDS, MigrationResult.class);
    assertEquals(MigrationResult.COMPLETED, result.outcome, String.valueOf(result.status.error));
    assertEquals("[orders]", target.queryRows("SHOW TABLES FROM " + SCHEMA).toString());
  }

  static MigrationStatus status(MigrationWorkflow wf) {
    try {
      return wf.status();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The migration's history and its children's, as the server returns them, in proto JSON. */
  static List<JsonNode> histories() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    Deque<String> ids = new ArrayDeque<>(List.of(id));
    while (!ids.isEmpty()) {
      History h = worker.client().fetchHistory(ids.pop()).getHistory();
      for (HistoryEvent e : h.getEventsList()) {
        if (e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
          ids.add(e.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId());
        }
      }
      out.add(JSON.readTree(JsonFormat.printer().print(h)));
    }
    return out;
  }

  /** Removes every "searchAttributes" object from the tree and returns them. */
  static List<JsonNode> takeSearchAttributes(JsonNode n) {
    List<JsonNode> taken = new ArrayList<>();
    if (n.isObject()) {
      JsonNode sa = ((ObjectNode) n).remove("searchAttributes");
      if (sa != null) taken.add(sa);
      n.forEach(c -> taken.addAll(takeSearchAttributes(c)));
    } else if (n.isArray()) {
      n.forEach(c -> taken.addAll(takeSearchAttributes(c)));
    }
    return taken;
  }

  /** Every Payload object in the tree ({"metadata": {"encoding": ...}, "data": ...}). */
  static List<Payload> payloads(JsonNode n) throws Exception {
    List<Payload> out = new ArrayList<>();
    if (n.isObject()) {
      if (n.path("metadata").has("encoding")) {
        Payload.Builder b = Payload.newBuilder();
        JsonFormat.parser().merge(n.toString(), b);
        out.add(b.build());
        return out;
      }
      for (JsonNode c : n) out.addAll(payloads(c));
    } else if (n.isArray()) {
      for (JsonNode c : n) out.addAll(payloads(c));
    }
    return out;
  }

  /** The JSON text plus the decoded bytes of every payload, as a reader of the history would see them. */
  static String plainText(JsonNode tree, List<Payload> payloads) {
    StringBuilder s = new StringBuilder(tree.toString());
    for (Payload p : payloads) {
      s.append('\n').append(p.getData().toString(StandardCharsets.UTF_8));
      p.getMetadataMap().values().forEach(v -> s.append(' ').append(v.toString(StandardCharsets.UTF_8)));
    }
    return s.toString();
  }

  @Test
  void theHistoryOnTheServerHoldsOnlyCiphertext() throws Exception {
    List<JsonNode> histories = histories();
    assertTrue(histories.size() >= 2, "the migration and its children: " + histories.size());
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("source host:port", source.host() + ":" + source.port());
    secrets.put("target host:port", target.host() + ":" + target.port());
    secrets.put("schema name", SCHEMA);
    secrets.put("source password reference", source.rootPasswordRef());
    secrets.put("target password reference", target.rootPasswordRef());
    secrets.put("host", source.host());
    int encrypted = 0;
    StringBuilder decodedAll = new StringBuilder();
    StringBuilder searchAttributes = new StringBuilder();
    StringBuilder versionMarkers = new StringBuilder();
    for (JsonNode h : histories) {
      for (JsonNode m : takeVersionMarkerDetails(h)) versionMarkers.append(plainText(m, payloads(m))).append('\n');
      for (JsonNode sa : takeSearchAttributes(h)) {
        searchAttributes.append(plainText(sa, payloads(sa))).append('\n');
      }
      List<Payload> ps = payloads(h);
      for (Payload p : ps) {
        assertTrue(PayloadEncryptionCodec.isEncrypted(p), "a payload in the clear: " + p);
        assertEquals(KEY_ID, p.getMetadataOrThrow("encryption-key-id").toStringUtf8());
        encrypted++;
      }
      String text = plainText(h, ps);
      secrets.forEach((what, value) -> assertFalse(text.contains(value), what + " (" + value + ") in the history"));
      assertFalse(text.contains("waiting for approval"), "failure and status texts are encrypted too");
      decodedAll.append(plainText(h, keys.decode(ps)));
    }
    assertTrue(encrypted > 50, "inputs, results, signals, the update, activity inputs/results: " + encrypted);
    System.out.println(histories.size() + " histories (the migration and its children): " + encrypted
        + " payloads, every one binary/encrypted with key id " + KEY_ID);
    // The control: decrypted, the same payloads do hold all of it.
    for (String value : secrets.values()) assertTrue(decodedAll.toString().contains(value), value);
    assertTrue(decodedAll.toString().contains("codec test"), "the update's argument");

    // Search attributes are what on-call filters on: readable, and without secrets. They carry
    // the endpoints' host:port (MigrationSource/MigrationTarget) by design.
    String sa = searchAttributes.toString();
    assertTrue(sa.contains("MigrationPhase") && sa.contains("completed"), sa);
    assertTrue(sa.contains(source.host() + ":" + source.port()), "MigrationSource is readable");
    assertFalse(sa.contains(source.rootPasswordRef()), sa);
    assertFalse(sa.contains(SCHEMA), sa);
    assertFalse(sa.contains("binary/encrypted"), "search attributes are not encrypted");

    // The SDK writes version markers (Workflow.getVersion: change id and version number) with its
    // standard converter, outside the codec: readable, and nothing but the change ids.
    String markers = versionMarkers.toString();
    assertTrue(markers.contains("search-attributes"), markers);
    secrets.forEach((what, value) -> assertFalse(markers.contains(value), what + " in a version marker"));
  }

  /** Removes the details of the SDK's "Version" markers (written outside the data converter). */
  static List<JsonNode> takeVersionMarkerDetails(JsonNode history) {
    List<JsonNode> taken = new ArrayList<>();
    for (JsonNode e : history.path("events")) {
      JsonNode m = e.path("markerRecordedEventAttributes");
      if ("Version".equals(m.path("markerName").asText())) {
        JsonNode d = ((ObjectNode) m).remove("details");
        if (d != null) taken.add(d);
      }
    }
    return taken;
  }

  static String decodedData(String temporalJson) throws Exception {
    StringBuilder s = new StringBuilder();
    Deque<JsonNode> todo = new ArrayDeque<>(List.of(JSON.readTree(temporalJson)));
    while (!todo.isEmpty()) {
      JsonNode n = todo.pop();
      if (n.isObject() && n.has("data") && n.get("data").isTextual()) {
        try {
          s.append(new String(Base64.getDecoder().decode(n.get("data").asText()), StandardCharsets.UTF_8)).append('\n');
        } catch (IllegalArgumentException notBase64) {
          s.append(n.get("data").asText());
        }
      }
      n.forEach(todo::add);
    }
    return s.toString();
  }

  @Test
  void theTemporalCliDecodesThroughTheCodecServer() throws Exception {
    String raw = temporal.cli(binary, "workflow", "show", "-w", id, "-o", "json");
    assertTrue(raw.contains("YmluYXJ5L2VuY3J5cHRlZA=="), "binary/encrypted payloads: " + raw.substring(0, 300));
    assertFalse(decodedData(raw).contains(SCHEMA));
    String decoded = temporal.cli(binary, "workflow", "show", "-w", id, "-o", "json", "--codec-endpoint", codec.url(),
        "--codec-auth", "Bearer " + TOKEN);
    assertTrue(decodedData(decoded).contains(SCHEMA), decoded.substring(0, Math.min(decoded.length(), 2000)));
  }

  @Test
  void theMigratorCliDecodesWithTheKeyAndNamesTheKeyWithout() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "describe", id,
        "--temporal", temporal.target(), "--payload-key", "file:" + keyFile, "--payload-key-id", KEY_ID);
    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("completed"), out.toString());
    // Without the key: what the server knows (search attributes), and which key the payloads need.
    StringWriter out2 = new StringWriter();
    assertEquals(0, Main.run(new PrintWriter(out2, true), new PrintWriter(new StringWriter(), true), "describe", id,
        "--temporal", temporal.target()));
    assertTrue(out2.toString().contains("source " + source.host() + ":" + source.port()), out2.toString());
    assertTrue(out2.toString().contains("(no status: its payloads do not decrypt here: payload is encrypted with key id '"
        + KEY_ID + "'"), out2.toString());
    assertTrue(out2.toString().contains("phase completed"), out2.toString());
  }

  @Test
  void theWebUiShowsTheDecryptedInputOnlyWithTheToken() throws Exception {
    Optional<Path> ui = DevServerOperationsTest.uiTestDir();
    boolean ready = ui.isPresent() && Files.isExecutable(Path.of("/usr/bin/chromium"));
    String why = "the Web UI check needs Debian chromium (/usr/bin/chromium) and ui-test/node_modules "
        + "(npm ci in ui-test); bin/setup installs both";
    if (!ready && "1".equals(System.getenv("MIGRATOR_REQUIRE_WEB_UI_TEST"))) throw new AssertionError(why);
    assumeTrue(ready, why);
    Path shots = Files.createTempDirectory("migrator-codec-ui-");
    Process p = new ProcessBuilder("node", "codec.mjs", temporal.uiUrl(), id, SCHEMA, codec.url(), TOKEN,
        shots.resolve("codec").toString()).directory(ui.get().toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    assertEquals(0, code, out);
    assertTrue(out.contains("without a token: codec server answered") && out.contains("401"), out);
    assertTrue(out.contains("with the token: codec server answered") && out.contains("shows \"" + SCHEMA + "\""), out);
    for (String s : List.of("codec-refused.png", "codec-decoded.png")) {
      assertTrue(Files.size(shots.resolve(s)) > 0, s);
      Files.delete(shots.resolve(s));
    }
    Files.delete(shots);
  }
}
