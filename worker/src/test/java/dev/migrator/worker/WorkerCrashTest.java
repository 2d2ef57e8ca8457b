package dev.migrator.worker;

import dev.migrator.testkit.temporal.WorkerProcess;
import dev.migrator.testkit.temporal.TemporalTestServerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.Sakila;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Resumable for real: the worker process is SIGKILLed in the middle of the copy; a new worker
 * process finishes the migration and source and target contents are equal.
 */
class WorkerCrashTest {
  @Test
  void aNewWorkerFinishesAfterTheFirstIsKilledMidCopy() throws Exception {
    try (TemporalTestServerProcess temporal = TemporalTestServerProcess.start();
        LocalMariaDb source = LocalMariaDb.start("crash-src");
        LocalMariaDb target = LocalMariaDb.start("crash-dst")) {
      Sakila.load(source);
      WorkflowClient client = MigratorWorker.client(temporal.target(), "default");
      try (WriteLoad load = WriteLoad.start(source, "sakila", "app_ledger", "app", 5)) {
        MigrationRequest r = E2E.request(source, target, "sakila");
        r.copy.chunkRows = 50; // many small chunks: the kill lands inside the copy
        r.cutover.autoApprove = true;
        MigrationWorkflow wf;
        try (WorkerProcess first = WorkerProcess.start(temporal.target())) {
          wf = E2E.start(client, "crash-mid-copy", r);
          E2E.await(wf, Duration.ofMinutes(3), s -> s.copy != null && s.copy.chunksDone >= 3);
          first.kill();
        }
        try (WorkerProcess second = WorkerProcess.start(temporal.target())) {
          MigrationResult result = E2E.result(wf, Duration.ofMinutes(5));
          assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
          assertTrue(result.status.steps.stream().anyMatch(s -> s.name.equals("copy") && s.attempts >= 1));
        }
      }
      assertEquals(Contents.of(source, "sakila"), Contents.of(target, "sakila"));
    }
  }
}
