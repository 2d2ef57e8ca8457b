package dev.migrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.worker.MigratorWorker;
import dev.migrator.testkit.temporal.TemporalDevServer;
import dev.migrator.worker.WorkerConfig;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleInfo;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On-call tools against the official Temporal dev server (real visibility with custom search
 * attributes, Schedules), a worker over gRPC and two local MariaDB servers.
 */
class DevServerOperationsTest {
  static TemporalDevServer temporal;
  static MigratorWorker worker;
  static LocalMariaDb source;
  static LocalMariaDb target;

  @BeforeAll
  static void start() {
    assumeTrue(TemporalDevServer.findBinary().isPresent() || TemporalDevServer.required(),
        TemporalDevServer.missingMessage());
    temporal = TemporalDevServer.start();
    worker = MigratorWorker.start(new WorkerConfig().target(temporal.target()).metrics(0));
    source = LocalMariaDb.start("ops-src");
    target = LocalMariaDb.start("ops-dst");
    source.sql("CREATE DATABASE shop", "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(40))",
        "INSERT INTO shop.items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  }

  @AfterAll
  static void stop() {
    if (worker != null) worker.close();
    if (temporal != null) temporal.close();
    if (source != null) source.close();
    if (target != null) target.close();
  }

  static MigrationRequest request(String... schemas) {
    MigrationRequest r = new MigrationRequest();
    r.source = new Endpoint(source.host(), source.port(), "root", source.rootPasswordRef());
    r.target = new Endpoint(target.host(), target.port(), "root", target.rootPasswordRef());
    r.schemas = new ArrayList<>(List.of(schemas));
    r.replication.password = source.rootPasswordRef();
    r.replication.pollSeconds = 1;
    r.copy.chunkRows = 500;
    return r;
  }

  /** Runs the CLI against the dev server; returns exit code and output. */
  static Run cli(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.add("--temporal");
    a.add(temporal.target());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), a.toArray(new String[0]));
    return new Run(code, out.toString(), err.toString());
  }

  record Run(int code, String out, String err) {}

  /** Re-runs a CLI command until its output satisfies {@code until} (visibility is eventually consistent). */
  static Run cliUntil(Predicate<Run> until, String... args) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Run r;
    while (!until.test(r = cli(args))) {
      if (System.nanoTime() > deadline) throw new AssertionError("never matched: " + String.join(" ", args) + "\n" + r);
      sleep(300);
    }
    return r;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void listFindsAMigrationPausedOnABlockingPreflightAndDecideRollbackResolvesIt() {
    target.sql("CREATE DATABASE IF NOT EXISTS shop"); // blocks preflight: target schemas must be absent
    try {
      String id = "ops-paused-" + System.currentTimeMillis();
      MigrationRequest r = request("shop");
      MigrationWorkflow wf = worker.client().newWorkflowStub(MigrationWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(MigrationWorkflow.TASK_QUEUE).build());
      WorkflowClient.start(wf::run, r);

      Run paused = cliUntil(x -> x.out.contains(id), "list", "--paused");
      assertEquals(0, paused.code);
      String line = paused.out.lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow();
      assertTrue(line.contains("preflight"), line);
      assertTrue(line.contains("yes"), line);
      assertTrue(line.contains("blocking preflight findings"), line);
      assertTrue(cli("list", "--running").out.contains(id));
      assertFalse(cli("list", "--failed").out.contains(id));

      Run described = cli("describe", id);
      assertEquals(0, described.code, described.err);
      assertTrue(described.out.contains("running"), described.out);
      assertTrue(described.out.contains(source.host() + ":" + source.port() + " -> target"), described.out);
      assertTrue(described.out.contains("waiting: preflight failed"), described.out);
      assertTrue(described.out.contains("decide with: migrator decide " + id), described.out);

      assertEquals(0, cli("decide", id, "rollback").code);
      try {
        WorkflowStub.fromTyped(wf).getResult(Object.class);
      } catch (WorkflowFailedException expected) {
        // onFailure=pause + operator chose rollback: the run fails after undoing
      }
      cliUntil(x -> !x.out.contains(id), "list", "--paused");
      Run failed = cliUntil(x -> x.out.contains(id), "list", "--failed");
      assertTrue(failed.out.lines().anyMatch(l -> l.startsWith(id) && l.contains("failed")), failed.out);
      Run after = cli("describe", id);
      assertTrue(after.out.contains("workflow failed: migration failed and was rolled back"), after.out);
    } finally {
      target.sql("DROP DATABASE IF EXISTS shop");
    }
  }

  /**
   * "Nothing hidden": a breakpoint, a replication error in catch-up (1062, a row written on the
   * target) and a failed step (a blocking preflight) are all found by {@code list --paused} (and the
   * Web UI's {@code MigrationPaused = true}, when chromium is there), and leave it when resolved.
   */
  @Test
  void listFindsMigrationsPausedOnAReplicationErrorAFailedStepAndABreakpoint() throws Exception {
    long now = System.currentTimeMillis();
    String replId = "ops-repl-" + now;
    String stepId = "ops-step-" + now;
    source.sql("CREATE DATABASE hidden", "CREATE TABLE hidden.t (id INT PRIMARY KEY, v VARCHAR(40))",
        "INSERT INTO hidden.t VALUES (1, 'a'), (2, 'b')", "CREATE DATABASE hidden2",
        "CREATE TABLE hidden2.t (id INT PRIMARY KEY)");
    target.sql("CREATE DATABASE hidden2"); // blocks the second migration's preflight
    MigrationWorkflow repl = null;
    MigrationWorkflow step = null;
    try {
      MigrationRequest r = request("hidden");
      r.cutover.autoApprove = true;
      r.pauseBefore = List.of("catch-up");
      repl = worker.client().newWorkflowStub(MigrationWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(replId).setTaskQueue(MigrationWorkflow.TASK_QUEUE).build());
      WorkflowClient.start(repl::run, r);
      step = worker.client().newWorkflowStub(MigrationWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(stepId).setTaskQueue(MigrationWorkflow.TASK_QUEUE).build());
      WorkflowClient.start(step::run, request("hidden2"));

      // The breakpoint: replication runs, catch-up has not started.
      Run atBreakpoint = cliUntil(x -> line(x, replId).contains("catch-up"), "list", "--paused");
      assertTrue(line(atBreakpoint, replId).contains("breakpoint"), atBreakpoint.out);
      // Someone writes to the target, then the source writes the same key: 1062 on the target.
      target.sql("INSERT INTO hidden.t VALUES (100, 'written on the target')");
      source.sql("INSERT INTO hidden.t VALUES (100, 'from the source')");
      assertEquals(0, cli("resume", replId).code);

      Run paused = cliUntil(x -> line(x, replId).contains("replication error") && line(x, stepId).contains("preflight"),
          "list", "--paused");
      assertEquals(0, paused.code);
      String replLine = line(paused, replId);
      assertTrue(replLine.contains("catch-up") && replLine.contains("paused") && replLine.contains("yes")
          && replLine.contains("duplicate-key"), replLine);
      String stepLine = line(paused, stepId);
      assertTrue(stepLine.contains("yes") && stepLine.contains("blocking preflight findings"), stepLine);

      Optional<Path> ui = uiTestDir();
      if (ui.isPresent() && Files.isExecutable(Path.of("/usr/bin/chromium"))) {
        assertWebUiShows(ui.get(), replId, "MigrationPaused = true");
      } else if ("1".equals(System.getenv("MIGRATOR_REQUIRE_WEB_UI_TEST"))) {
        throw new AssertionError("the Web UI check needs /usr/bin/chromium and ui-test/node_modules (bin/setup)");
      }

      repl.decide("skip");
      assertEquals(MigrationResult.COMPLETED,
          WorkflowStub.fromTyped(repl).getResult(180, TimeUnit.SECONDS, MigrationResult.class).outcome);
      // Ended: operator commands say so in one line, exit 4.
      Run late = cli("rollback", replId, "--reason", "too late");
      assertEquals(4, late.code, late.out + late.err);
      assertTrue(late.err.contains("migration " + replId + " completed at ") && late.err.contains(": nothing to roll back"),
          late.err);
      assertEquals(1, late.err.lines().count(), late.err);
      assertEquals(4, cli("approve", replId).code);
      Run nobody = cli("pause", "no-such-migration-" + now);
      assertEquals(2, nobody.code, nobody.err);
      assertTrue(nobody.err.contains("no migration no-such-migration-" + now + " on namespace default"), nobody.err);
      assertEquals(4, cli("decide", replId, "retry").code);
      Run described = cli("describe", replId);
      assertTrue(described.out.contains("freeze coordinates: file "), described.out);
      assertTrue(described.out.lines().anyMatch(l -> l.contains(" retired ") && l.contains("the migration completed at")),
          described.out);
      step.decide("rollback");
      try {
        WorkflowStub.fromTyped(step).getResult(120, TimeUnit.SECONDS, Object.class);
      } catch (WorkflowFailedException expected) {
        // the operator chose rollback
      }
      cliUntil(x -> !x.out.contains(replId) && !x.out.contains(stepId), "list", "--paused");
    } finally {
      for (MigrationWorkflow wf : java.util.Arrays.asList(repl, step)) {
        if (wf == null) continue;
        try {
          WorkflowStub.fromTyped(wf).terminate("test over");
        } catch (RuntimeException alreadyClosed) {
          // ended
        }
      }
      source.sql("DROP DATABASE IF EXISTS hidden", "DROP DATABASE IF EXISTS hidden2");
      target.sql("DROP DATABASE IF EXISTS hidden", "DROP DATABASE IF EXISTS hidden2");
    }
  }

  /** The line of {@code list} output for migration {@code id}, or "". */
  static String line(Run list, String id) {
    return list.out.lines().filter(l -> l.startsWith(id)).findFirst().orElse("");
  }

  /** ui-test/webui.mjs: the Web UI's workflow list filtered by {@code query} shows {@code id}. */
  static void assertWebUiShows(Path ui, String id, String query) throws Exception {
    Path shot = Files.createTempFile("migrator-webui-", ".png");
    Process p = new ProcessBuilder("node", "webui.mjs", temporal.uiUrl(), id, query, shot.toString())
        .directory(ui.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    int code = p.waitFor();
    System.out.println("web UI: " + out.strip());
    assertEquals(0, code, out);
    assertTrue(out.contains("shows " + id), out);
    assertTrue(Files.size(shot) > 0, "screenshot written");
    Files.deleteIfExists(shot);
  }

  @Test
  void scheduledRehearsalsSkipOverlapsAndReportStepDurations() throws Exception {
    String sid = "rehearse-shop-" + System.currentTimeMillis();
    Path file = Files.createTempFile("rehearsal-", ".json");
    try {
      Files.writeString(file, Main.JSON.writeValueAsString(request("shop")));
      // Feb 29th: never fires during the test; runs come from triggers.
      Run created = cli("rehearsal", "schedule", "create", sid, "-f", file.toString(), "--cron", "0 0 29 2 *",
          "--by", "sched-owner");
      assertEquals(0, created.code, created.err);
      assertTrue(cli("rehearsal", "schedule", "list").out.lines().anyMatch(l -> l.startsWith(sid)));

      ScheduleHandle handle = ScheduleClient.newInstance(worker.client().getWorkflowServiceStubs()).getHandle(sid);
      // Who changed the schedule: in its note (and, for create, its memo).
      String identity = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
      var description = handle.describe();
      assertTrue(description.getSchedule().getState().getNote().contains("created by sched-owner (" + identity + ") at "),
          description.getSchedule().getState().getNote());
      assertEquals("sched-owner", description.getMemo("createdBy", String.class));
      assertEquals(0, cli("rehearsal", "schedule", "trigger", sid, "--by", "sched-trigger").code);
      String note = handle.describe().getSchedule().getState().getNote();
      assertTrue(note.contains("created by sched-owner") && note.contains("; last: triggered by sched-trigger ("
          + identity + ") at "), note);
      assertEquals(0, cli("rehearsal", "schedule", "trigger", sid).code);
      // The second trigger finds the first rehearsal running: skipped by the SKIP overlap policy.
      awaitSchedule(handle, i -> i.getNumActionsSkippedOverlap() == 1 && i.getNumActions() == 1);
      awaitRehearsals(sid, 1);

      assertEquals(0, cli("rehearsal", "schedule", "trigger", sid).code);
      awaitSchedule(handle, i -> i.getNumActions() == 2);
      awaitRehearsals(sid, 2);

      Run report = cliUntil(x -> x.out.contains("mean of 1 earlier"), "rehearsal", "report", sid);
      assertEquals(0, report.code, report.err);
      System.out.println(report.out);
      assertEquals(2, report.out.lines().filter(l -> l.contains("rehearsal-" + sid) && l.contains("rolled-back")).count(),
          report.out);
      for (String step : List.of("preflight", "copy", "catch-up", "cutover", "rollback", "total")) {
        assertTrue(report.out.lines().anyMatch(l -> l.trim().startsWith(step + " ")), step + " in\n" + report.out);
      }
      assertTrue(cli("list", "--query", "MigrationRehearsal = true").out.contains("rehearsal-" + sid));

      assertMetrics("rehearsal-" + sid);

      assertEquals(0, cli("rehearsal", "schedule", "delete", sid).code);
      assertFalse(cli("rehearsal", "schedule", "list").out.lines().anyMatch(l -> l.startsWith(sid)));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void operatorActionsAreRecordedWithWhoAndWhenAndDescribeShowsTheTrail() throws Exception {
    String id = "ops-audit-" + System.currentTimeMillis();
    MigrationRequest r = request("shop");
    r.cutover.gracePeriodSeconds = 600; // rolled back in the grace period, after the cutover
    MigrationWorkflow wf = worker.client().newWorkflowStub(MigrationWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(MigrationWorkflow.TASK_QUEUE).build());
    WorkflowClient.start(wf::run, r);
    try {
      awaitStatus(wf, s -> "approve".equals(s.currentStep), "waiting for approval");
      // Waiting for approval is waiting for a human: on-call finds it.
      Run waiting = cliUntil(x -> line(x, id).contains("waiting for approval"), "list", "--paused");
      assertTrue(line(waiting, id).contains("approve") && line(waiting, id).contains("yes"), waiting.out);
      Run pause = cli("pause", id, "--by", "alice", "--reason", "checking the target");
      assertEquals(0, pause.code, pause.err);
      awaitStatus(wf, s -> s.audit.size() == 1, "the pause in the trail");
      assertEquals(0, cli("resume", id, "--by", "bob").code);
      // The unattributed signals (the temporal CLI, the Web UI) are recorded too.
      String tcli = temporalCli("workflow", "signal", "--workflow-id", id, "--name", "pause", "--input",
          "\"from the temporal CLI\"");
      awaitStatus(wf, s -> s.audit.size() == 3, "the temporal CLI's pause in the trail: " + tcli);
      temporalCli("workflow", "signal", "--workflow-id", id, "--name", "resume");
      awaitStatus(wf, s -> s.audit.size() == 4, "the temporal CLI's resume");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (cli("approve", id, "--by", "carol").code != 0) { // refused while lag settles
        if (System.nanoTime() > deadline) throw new AssertionError("never approved: " + wf.status().approvalRefused);
        sleep(500);
      }
      awaitStatus(wf, s -> s.pausedReason != null && s.pausedReason.startsWith("grace period"), "the grace period");
      assertEquals(0, cli("rollback", id, "--by", "dave", "--reason", "drill").code);
      MigrationResult res = WorkflowStub.fromTyped(wf).getResult(120, TimeUnit.SECONDS, MigrationResult.class);
      assertEquals(MigrationResult.ROLLED_BACK, res.outcome, () -> String.valueOf(res.status.error));

      Run described = cli("describe", id);
      assertEquals(0, described.code, described.err);
      System.out.println(described.out);
      String identity = java.lang.management.ManagementFactory.getRuntimeMXBean().getName(); // the CLI's client
      String out = described.out;
      assertTrue(out.contains("audit trail (operator actions, workflow time):"), out);
      List<String> trail = out.lines().dropWhile(l -> !l.contains("audit trail")).skip(1)
          .filter(l -> l.startsWith("    20")).toList();
      assertEquals(6, trail.size(), out);
      assertTrue(trail.get(0).contains("pause    by alice (" + identity + ") -- reason: checking the target"), trail.get(0));
      assertTrue(trail.get(1).contains("resume   by bob (" + identity + ") -- was "), trail.get(1));
      assertTrue(trail.get(2).contains("pause    by unknown (Web UI / temporal CLI) -- reason: from the temporal CLI"),
          trail.get(2));
      assertTrue(trail.get(3).contains("resume   by unknown (Web UI / temporal CLI)"), trail.get(3));
      assertTrue(trail.get(4).contains("approve  by carol (" + identity + ") -- approved (update approveCutoverBy)"),
          trail.get(4));
      assertTrue(trail.get(5).contains("rollback by dave (" + identity + ") -- reason: drill"), trail.get(5));
      for (String l : trail) java.time.Instant.parse(l.trim().split(" ")[0]); // when: an ISO-8601 instant
      assertTrue(out.contains("the sender's Temporal identity is on the signal's or update's event in the history"), out);

      // In the history: the attributed signals with their argument, every signal with its sender's identity.
      var signals = worker.client().fetchHistory(id).getHistory().getEventsList().stream()
          .filter(e -> e.hasWorkflowExecutionSignaledEventAttributes())
          .map(e -> e.getWorkflowExecutionSignaledEventAttributes())
          .filter(a -> !a.getSignalName().startsWith("report")).toList();
      assertEquals(List.of("pauseBy", "resumeBy", "pause", "resume", "rollbackBy"),
          signals.stream().map(a -> a.getSignalName()).toList());
      assertEquals(identity, signals.get(0).getIdentity(), "Temporal records the sender's identity");
      assertTrue(signals.get(0).getInput().getPayloads(0).getData().toStringUtf8().contains("\"by\":\"alice\""));
      assertFalse(signals.get(2).getIdentity().isBlank(), "the temporal CLI's identity: " + signals.get(2).getIdentity());
    } finally {
      try {
        WorkflowStub.fromTyped(wf).terminate("test over");
      } catch (RuntimeException alreadyClosed) {
        // ended
      }
    }
  }

  /** Polls the status query (through the worker's client) until {@code until} holds. */
  static MigrationStatus awaitStatus(MigrationWorkflow wf, Predicate<MigrationStatus> until, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    MigrationStatus s = null;
    while (true) {
      try {
        s = wf.status();
        if (until.test(s)) return s;
      } catch (RuntimeException notYet) {
        // not queryable yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never: " + what + "; step " + (s == null ? null : s.currentStep + " audit " + s.audit));
      }
      sleep(200);
    }
  }

  /** The official temporal CLI (the dev server's binary) against the dev server. */
  static String temporalCli(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(TemporalDevServer.findBinary().orElseThrow().toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--address", temporal.target()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
    pb.environment().put("HOME", Files.createTempDirectory("temporal-cli-home-").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "temporal " + String.join(" ", args));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  /** The worker's Prometheus endpoint shows the activities' metrics for these runs, and the SDK's. */
  static void assertMetrics(String workflowIdPrefix) throws Exception {
    String url = worker.metrics().orElseThrow().url();
    assertTrue(url.startsWith("http://127.0.0.1:"), url);
    HttpClient http = HttpClient.newHttpClient();
    List<String> wanted = List.of("migrator_rows_copied_total{", "migrator_bytes_copied_total{",
        "migrator_chunks_copied_total{", "migrator_copy_rows_per_second{", "migrator_replication_lag_seconds{",
        "migrator_activity_duration_seconds_count{", "migrator_migrations_running ", "migrator_migrations_paused ",
        "temporal_activity_execution_latency");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String body;
    while (true) {
      body = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
      String b = body;
      boolean all = wanted.stream().allMatch(b::contains);
      if (all) break;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("missing " + wanted.stream().filter(w -> !b.contains(w)).toList() + " in\n" + body);
      }
      sleep(300);
    }
    String rows = body.lines().filter(l -> l.startsWith("migrator_rows_copied_total{")
        && l.contains("migration=\"" + workflowIdPrefix)).findFirst().orElseThrow(() -> new AssertionError("no rows"));
    // 3 rows per rehearsal, two rehearsals counted on the one worker (each run is its own series).
    assertTrue(Double.parseDouble(rows.substring(rows.lastIndexOf(' ') + 1)) >= 3, rows);
  }

  static void awaitSchedule(ScheduleHandle handle, Predicate<ScheduleInfo> until) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    ScheduleInfo info;
    while (!until.test(info = handle.describe().getInfo())) {
      if (System.nanoTime() > deadline) throw new AssertionError("schedule never reached the condition: " + info);
      sleep(200);
    }
  }

  /** Waits until {@code n} rehearsals of the schedule have closed, and checks each rolled back. */
  static void awaitRehearsals(String sid, int n) {
    WorkflowClient client = worker.client();
    String q = "TemporalScheduledById = '" + sid + "' AND ExecutionStatus != 'Running'";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    List<WorkflowExecutionMetadata> closed;
    while ((closed = client.listExecutions(q).collect(Collectors.toList())).size() < n) {
      if (System.nanoTime() > deadline) throw new AssertionError(n + " rehearsals never closed; closed: " + closed.size());
      sleep(300);
    }
    for (WorkflowExecutionMetadata m : closed) {
      MigrationResult res = client.newUntypedWorkflowStub(m.getExecution().getWorkflowId(),
          Optional.of(m.getExecution().getRunId()), Optional.empty()).getResult(MigrationResult.class);
      assertEquals(MigrationResult.ROLLED_BACK, res.outcome, () -> String.valueOf(res.status.error));
    }
    assertEquals("[]", target.queryRows("SHOW DATABASES LIKE 'shop'").toString(), "the rehearsal removed the schema");
  }

  /** ui-test/ (playwright-core) from the cli module or the repository root. */
  static Optional<Path> uiTestDir() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path u = d.resolve("ui-test");
      if (Files.isDirectory(u.resolve("node_modules/playwright-core"))) return Optional.of(u);
    }
    return Optional.empty();
  }

  @Test
  void webUiListsThePausedMigrationBySearchAttribute() throws Exception {
    Optional<Path> ui = uiTestDir();
    boolean ready = ui.isPresent() && Files.isExecutable(Path.of("/usr/bin/chromium"));
    String why = "the Web UI check needs Debian chromium (/usr/bin/chromium) and ui-test/node_modules "
        + "(npm ci in ui-test); bin/setup installs both";
    if (!ready && "1".equals(System.getenv("MIGRATOR_REQUIRE_WEB_UI_TEST"))) throw new AssertionError(why);
    assumeTrue(ready, why);
    target.sql("CREATE DATABASE IF NOT EXISTS shop"); // blocks preflight: the migration pauses
    try {
      String id = "ops-ui-" + System.currentTimeMillis();
      MigrationWorkflow wf = worker.client().newWorkflowStub(MigrationWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(MigrationWorkflow.TASK_QUEUE).build());
      WorkflowClient.start(wf::run, request("shop"));
      cliUntil(x -> x.out.contains(id), "list", "--paused");

      Path shot = Files.createTempFile("migrator-webui-", ".png");
      Process p = new ProcessBuilder("node", "webui.mjs", temporal.uiUrl(), id, "MigrationPaused = true",
          shot.toString()).directory(ui.get().toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int code = p.waitFor();
      assertEquals(0, code, out);
      assertTrue(out.contains("shows " + id), out);
      assertTrue(Files.size(shot) > 0, "screenshot written");
      Files.deleteIfExists(shot);

      wf.decide("rollback");
      try {
        WorkflowStub.fromTyped(wf).getResult(Object.class);
      } catch (WorkflowFailedException expected) {
        // rolled back on the operator's decision
      }
    } finally {
      target.sql("DROP DATABASE IF EXISTS shop");
    }
  }
}
