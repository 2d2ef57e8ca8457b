package dev.migrator.worker;

import dev.migrator.testkit.temporal.WorkerProcess;
import dev.migrator.testkit.temporal.TemporalTestServerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A crash at every step: the worker process is SIGKILLed while the migration stands at the start
 * of each step (a pauseBefore breakpoint, so the kill lands exactly there), a new worker process
 * takes over, the migration is resumed and completes with equal contents while the application
 * keeps writing to the source. Kills in the middle of a running step are covered by
 * WorkerCrashTest (live copy) and FrozenCopyEndToEndTest (chunked copy).
 */
class CrashMatrixTest {
  static TemporalTestServerProcess temporal;
  static WorkflowClient client;
  static LocalMariaDb source;
  static LocalMariaDb target;

  @BeforeAll
  static void start() {
    temporal = TemporalTestServerProcess.start();
    client = MigratorWorker.client(temporal.target(), "default");
    source = LocalMariaDb.start("crash-matrix-src");
    target = LocalMariaDb.start("crash-matrix-dst");
    source.sql("CREATE DATABASE shop",
        "CREATE TABLE shop.items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40), price DECIMAL(8,2))",
        "INSERT INTO shop.items (name, price) SELECT CONCAT('item ', seq), seq / 3 FROM shop.seq_1_to_2000");
  }

  @AfterAll
  static void stop() {
    if (temporal != null) temporal.close();
    if (source != null) source.close();
    if (target != null) target.close();
  }

  @ParameterizedTest(name = "worker killed at the start of {0}")
  @ValueSource(strings = {"retention", "freeze", "schema", "copy", "verify", "release", "replicate", "catch-up",
      "approve", "cutover", "finish"})
  void aNewWorkerCompletesTheMigration(String step) throws Exception {
    try (WriteLoad load = WriteLoad.start(source, "shop", "app_ledger", "app", 5)) {
      MigrationRequest r = E2E.request(source, target, "shop");
      r.cutover.autoApprove = true;
      r.pauseBefore = List.of(step);
      MigrationWorkflow wf;
      try (WorkerProcess first = WorkerProcess.start(temporal.target())) {
        wf = E2E.start(client, "crash-at-" + step, r);
        E2E.await(wf, Duration.ofMinutes(3), s -> s.pausedReason != null && s.pausedReason.startsWith("breakpoint"));
        first.kill();
      }
      try (WorkerProcess second = WorkerProcess.start(temporal.target())) {
        wf.resume();
        MigrationResult result = E2E.result(wf, Duration.ofMinutes(3));
        assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
      }
    }
    assertEquals(Contents.of(source, "shop"), Contents.of(target, "shop"));
    // Ready for the next case: a fresh target, a writable source without our account.
    target.sql("DROP DATABASE shop");
    source.sql("SET GLOBAL read_only = OFF", "DROP USER IF EXISTS 'migrator_repl'@'%'");
  }
}
