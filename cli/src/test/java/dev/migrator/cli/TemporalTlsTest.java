package dev.migrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationStatus;
import dev.migrator.worker.MigratorWorker;
import dev.migrator.worker.TemporalConnection;
import dev.migrator.worker.WorkerConfig;
import dev.migrator.workflow.MigrationWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker and CLI against a Temporal service that requires mutual TLS (the Java test service behind
 * a TLS-only gRPC server), and one that requires an API key.
 */
class TemporalTlsTest {
  static final String SERVER_NAME = "temporal.test";
  static final String API_KEY = "test-api-key-7f3a";
  @TempDir static Path dir;
  static TestPki ca;
  static TestPki.Issued clientA;
  static TestPki.Issued clientB;
  static TestPki.Issued intruder;
  static TlsTemporalTestServer mtls;
  static TlsTemporalTestServer apiKeyServer;
  static Path payloadKey;

  @BeforeAll
  static void start() throws Exception {
    ca = TestPki.ca(dir, "good");
    TestPki.Issued server = ca.server(SERVER_NAME, SERVER_NAME);
    clientA = ca.client("migrator-worker-a");
    clientB = ca.client("migrator-worker-b");
    intruder = TestPki.ca(dir, "rogue").client("intruder");
    mtls = TlsTemporalTestServer.start(server.cert(), server.key(), ca.caPem, null);
    apiKeyServer = TlsTemporalTestServer.start(server.cert(), server.key(), null, API_KEY);
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    payloadKey = dir.resolve("payload.key");
    Files.writeString(payloadKey, Base64.getEncoder().encodeToString(k));
  }

  @AfterAll
  static void stop() {
    if (mtls != null) mtls.close();
    if (apiKeyServer != null) apiKeyServer.close();
  }

  /** The environment of a worker (or CLI) using client certificate {@code c} against the mTLS server. */
  static Map<String, String> mtlsEnv(TestPki.Issued c) {
    Map<String, String> env = new HashMap<>(Map.of("TEMPORAL_ADDRESS", mtls.target(), "TEMPORAL_TLS_CA", ca.caPem.toString(),
        "TEMPORAL_TLS_SERVER_NAME", SERVER_NAME));
    if (c != null) {
      env.put("TEMPORAL_TLS_CERT", c.cert().toString());
      env.put("TEMPORAL_TLS_KEY", c.key().toString());
    }
    return env;
  }

  /** One call (GetSystemInfo); the gRPC status it ends with. */
  static Status.Code probe(TemporalConnection c) {
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(c.serviceStubsOptions().build());
    try {
      return probe(stubs);
    } finally {
      stubs.shutdownNow();
    }
  }

  static Status.Code probe(WorkflowServiceStubs stubs) {
    try {
      stubs.blockingStub().withDeadlineAfter(10, TimeUnit.SECONDS).getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void withoutAClientCertificateOrWithOneFromAnotherCaTheConnectionIsRefused() {
    int before = mtls.clientSubjects.size();
    assertEquals(Status.Code.UNAVAILABLE, probe(TemporalConnection.fromEnvironment(mtlsEnv(null))));
    assertEquals(Status.Code.UNAVAILABLE, probe(TemporalConnection.fromEnvironment(mtlsEnv(intruder))));
    assertEquals(before, mtls.clientSubjects.size(), "no call got through");
    // Plaintext to a TLS-only server fails as well.
    assertEquals(Status.Code.UNAVAILABLE, probe(new TemporalConnection(mtls.target(), "default")));
    assertEquals(Status.Code.OK, probe(TemporalConnection.fromEnvironment(mtlsEnv(clientA))));
    assertEquals("CN=migrator-worker-a", mtls.clientSubjects.get(mtls.clientSubjects.size() - 1));
  }

  @Test
  void theServerNameIsVerified() {
    Map<String, String> noName = mtlsEnv(clientA);
    noName.remove("TEMPORAL_TLS_SERVER_NAME");
    // The certificate names temporal.test, not 127.0.0.1.
    assertEquals(Status.Code.UNAVAILABLE, probe(TemporalConnection.fromEnvironment(noName)));
    Map<String, String> wrong = mtlsEnv(clientA);
    wrong.put("TEMPORAL_TLS_SERVER_NAME", "other.test");
    assertEquals(Status.Code.UNAVAILABLE, probe(TemporalConnection.fromEnvironment(wrong)));
    Map<String, String> unverified = new HashMap<>(noName);
    unverified.put("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "true");
    assertEquals(Status.Code.OK, probe(TemporalConnection.fromEnvironment(unverified)), "the CA is still checked, the name not");
    Map<String, String> wrongCa = mtlsEnv(clientA);
    wrongCa.put("TEMPORAL_TLS_CA", intruder.cert().toString());
    assertEquals(Status.Code.UNAVAILABLE, probe(TemporalConnection.fromEnvironment(wrongCa)), "a server the CA did not sign");
  }

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A migration whose preflight cannot reach its endpoints: it pauses, waiting for a decision (no database needed). */
  static MigrationWorkflow startPausedMigration(WorkflowClient client, String id) throws Exception {
    MigrationRequest r = new MigrationRequest();
    r.source = new Endpoint("127.0.0.1", closedPort(), "root", null);
    r.target = new Endpoint("127.0.0.1", closedPort() + 1, "root", null);
    r.schemas = new ArrayList<>(List.of("tls_probe_schema"));
    MigrationWorkflow wf = client.newWorkflowStub(MigrationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(id).setTaskQueue(MigrationWorkflow.TASK_QUEUE).build());
    WorkflowClient.start(wf::run, r);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        MigrationStatus s = wf.status();
        if (s.paused) return wf;
      } catch (RuntimeException e) {
        // not queryable yet
      }
      if (System.nanoTime() > deadline) throw new AssertionError("the migration never paused");
      Thread.sleep(200);
    }
  }

  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.io.PrintStream oldOut = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    // status prints with System.out
    System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    } finally {
      System.setOut(oldOut);
    }
    return new Run(code, out + captured.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString());
  }

  static List<String> mtlsFlags(TestPki.Issued c) {
    return List.of("--address", mtls.target(), "--tls-cert-path", c.cert().toString(), "--tls-key-path", c.key().toString(),
        "--tls-ca-path", ca.caPem.toString(), "--tls-server-name", SERVER_NAME);
  }

  static String[] args(List<String> flags, String... command) {
    List<String> a = new ArrayList<>(List.of(command));
    a.addAll(flags);
    return a.toArray(new String[0]);
  }

  @Test
  void aWorkflowRunsOverMutualTlsWithEncryptedPayloadsAndTheCliDecodesItsStatus() throws Exception {
    Map<String, String> env = mtlsEnv(clientA);
    env.put("MIGRATOR_DISABLE_STICKY", "true");
    env.put("MIGRATOR_PAYLOAD_KEY", "file:" + payloadKey);
    env.put("MIGRATOR_PAYLOAD_KEY_ID", "tls-test-1");
    String id = "mtls-" + System.currentTimeMillis();
    try (MigratorWorker worker = MigratorWorker.start(WorkerConfig.from(env))) {
      MigrationWorkflow wf = startPausedMigration(worker.client(), id);
      assertTrue(wf.status().pausedReason.contains("preflight"), wf.status().pausedReason);

      // What the server stored is ciphertext.
      HistoryEvent started = worker.client().fetchHistory(id).getEvents().get(0);
      assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, started.getEventType());
      Payload input = started.getWorkflowExecutionStartedEventAttributes().getInput().getPayloads(0);
      assertEquals("binary/encrypted", input.getMetadataOrThrow("encoding").toStringUtf8());
      assertEquals("tls-test-1", input.getMetadataOrThrow("encryption-key-id").toStringUtf8());
      assertFalse(input.getData().toStringUtf8().contains("tls_probe_schema"));

      // The CLI over mTLS, with the key: decodes the status query's result.
      List<String> flags = new ArrayList<>(mtlsFlags(clientB));
      flags.addAll(List.of("--payload-key", "file:" + payloadKey, "--payload-key-id", "tls-test-1"));
      Run status = cli(args(flags, "status", id));
      assertEquals(0, status.code, status.err);
      assertTrue(status.out.contains("migration " + id + ": paused"), status.out);
      assertTrue(status.out.contains("preflight"), status.out);

      // Without the key it says which key it needs.
      Run noKey = cli(args(mtlsFlags(clientB), "status", id));
      assertEquals(1, noKey.code, noKey.out);
      assertTrue(noKey.err.contains("key id 'tls-test-1'"), noKey.err);

      // Without a client certificate the CLI is refused.
      List<String> noCert = List.of("--address", mtls.target(), "--tls-ca-path", ca.caPem.toString(),
          "--tls-server-name", SERVER_NAME, "--payload-key", "file:" + payloadKey, "--payload-key-id", "tls-test-1");
      Run refused = cli(args(noCert, "status", id));
      assertEquals(1, refused.code, refused.out);

      Run decided = cli(args(flags, "decide", id, "rollback"));
      assertEquals(0, decided.code, decided.err);
      assertThrows(io.temporal.client.WorkflowFailedException.class,
          () -> io.temporal.client.WorkflowStub.fromTyped(wf).getResult(Object.class));
    }
    assertTrue(mtls.clientSubjects.contains("CN=migrator-worker-a"), "the worker's certificate");
    assertTrue(mtls.clientSubjects.contains("CN=migrator-worker-b"), "the CLI's certificate");
  }

  @Test
  void theApiKeyIsSentAsABearerTokenOnEveryCall() throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("TEMPORAL_ADDRESS", apiKeyServer.target(),
        "TEMPORAL_TLS_CA", ca.caPem.toString(), "TEMPORAL_TLS_SERVER_NAME", SERVER_NAME, "MIGRATOR_DISABLE_STICKY", "true"));
    assertEquals(Status.Code.UNAUTHENTICATED, probe(TemporalConnection.fromEnvironment(env)), "no key: refused");
    Map<String, String> wrongKey = new HashMap<>(env);
    wrongKey.put("TEMPORAL_API_KEY", "wrong");
    assertEquals(Status.Code.UNAUTHENTICATED, probe(TemporalConnection.fromEnvironment(wrongKey)));

    env.put("TEMPORAL_API_KEY", API_KEY);
    String id = "api-key-" + System.currentTimeMillis();
    int before = apiKeyServer.authorizations.size();
    try (MigratorWorker worker = MigratorWorker.start(WorkerConfig.from(env))) {
      MigrationWorkflow wf = startPausedMigration(worker.client(), id);
      Run status = cli("status", id, "--address", apiKeyServer.target(), "--tls-ca-path", ca.caPem.toString(),
          "--tls-server-name", SERVER_NAME, "--api-key", API_KEY);
      assertEquals(0, status.code, status.err);
      assertTrue(status.out.contains("migration " + id + ": paused"), status.out);
      wf.decide("rollback");
    }
    List<String> seen = apiKeyServer.authorizations.subList(before, apiKeyServer.authorizations.size());
    assertFalse(seen.isEmpty());
    assertTrue(seen.stream().allMatch(("Bearer " + API_KEY)::equals), seen.toString());
    assertTrue(apiKeyServer.methods.stream().anyMatch(m -> m.startsWith("temporal.api.operatorservice.v1.OperatorService/")
        && m.endsWith(" Bearer " + API_KEY)), "the search attribute check carries the key too: " + apiKeyServer.methods);
  }

  @Test
  void aRotatedClientCertificateIsUsedWithoutARestart() throws Exception {
    Path cert = dir.resolve("rotating.pem");
    Path key = dir.resolve("rotating.key");
    Files.copy(clientA.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(clientA.key(), key, StandardCopyOption.REPLACE_EXISTING);
    Map<String, String> env = mtlsEnv(null);
    env.put("TEMPORAL_TLS_CERT", cert.toString());
    env.put("TEMPORAL_TLS_KEY", key.toString());
    env.put("MIGRATOR_TLS_RELOAD_SECONDS", "1");
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        TemporalConnection.fromEnvironment(env).serviceStubsOptions().build());
    try {
      assertEquals(Status.Code.OK, probe(stubs));
      assertEquals("CN=migrator-worker-a", last());

      // Half a rotation: the new certificate without its key. The old identity stays in use.
      replace(clientB.cert(), cert);
      Thread.sleep(2500);
      assertEquals("CN=migrator-worker-a", subjectOnANewConnection(stubs));

      // The key arrives: the next handshake presents the new certificate, same process, same stubs.
      replace(clientB.key(), key);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      String subject;
      while (!"CN=migrator-worker-b".equals(subject = subjectOnANewConnection(stubs))) {
        if (System.nanoTime() > deadline) throw new AssertionError("still " + subject);
        Thread.sleep(300);
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  /** Drops the channel's connections (the SDK does so every minute) and makes one call. */
  static String subjectOnANewConnection(WorkflowServiceStubs stubs) {
    stubs.getRawChannel().enterIdle();
    assertEquals(Status.Code.OK, probe(stubs));
    return last();
  }

  static String last() {
    return mtls.clientSubjects.get(mtls.clientSubjects.size() - 1);
  }

  /** Replaces a file's content as a secret mount does, with a modification time that surely differs. */
  static void replace(Path from, Path to) throws Exception {
    Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(tmp, FileTime.fromMillis(System.currentTimeMillis() + 2000));
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
