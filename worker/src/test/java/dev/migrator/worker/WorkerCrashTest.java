package dev.migrator.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.FreezeMethod;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.testkit.Contents;
import dev.migrator.testkit.Sakila;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.testkit.temporal.WorkerProcess;
import dev.migrator.workflow.MigrationWorkflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Resumable for real: the worker process is SIGKILLed in the middle of the copy; a new worker
 * process finishes the migration and source and target contents are equal. On MariaDB with the
 * live-consistent freeze; on MySQL 9.7 to the Aurora-like MySQL 9.7 with the clone freeze, where
 * the copy reads from the temporary server the clone plugin made, which outlives the killed worker
 * and which the new worker finds again and releases at the end.
 */
class WorkerCrashTest {
  @Test
  void aNewWorkerFinishesAfterTheFirstIsKilledMidCopy() throws Exception {
    killMidCopy(Engines.MARIADB, null);
  }

  @Test
  void onMySqlTheCloneFreezeKilledMidCopyResumes() throws Exception {
    killMidCopy(Engines.MYSQL_GTID, FreezeMethod.CLONE);
  }

  private void killMidCopy(Engines engines, String freezeMethod) throws Exception {
    Path work = Files.createTempDirectory("migrator-crash-work-");
    Map<String, String> env = Map.of("MIGRATOR_WORK_DIR", work.toString());
    try (TemporalAndWorker temporal = TemporalAndWorker.withoutWorker();
        Engines.Pair servers = engines.start("crash-" + engines.ordinal(), "sakila")) {
      Sakila.load(servers.source());
      try (WriteLoad load = WriteLoad.start(servers.source(), "sakila", "app_ledger", "app", 5)) {
        MigrationRequest r = E2E.request(servers, "sakila");
        if (freezeMethod != null) r.method = freezeMethod;
        r.copy.chunkRows = 50; // many small chunks: the kill lands inside the copy
        r.cutover.autoApprove = true;
        MigrationWorkflow wf;
        try (WorkerProcess first = WorkerProcess.start(temporal.target(), null, env)) {
          wf = E2E.start(temporal.client(), "crash-mid-copy-" + engines.name(), r);
          E2E.await(wf, Duration.ofMinutes(3), s -> s.copy != null && s.copy.chunksDone >= 3);
          first.kill();
        }
        try (WorkerProcess second = WorkerProcess.start(temporal.target(), null, env)) {
          MigrationResult result = E2E.result(wf, Duration.ofMinutes(5));
          assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
          assertTrue(result.status.steps.stream().anyMatch(s -> s.name.equals("copy") && s.attempts >= 1));
          if (freezeMethod != null) {
            assertEquals(freezeMethod, result.status.frozen.method, "frozen by " + result.status.frozen.method);
          }
        }
      }
      assertEquals(Contents.of(servers.source(), "sakila"), Contents.of(servers.target(), "sakila"));
      if (FreezeMethod.CLONE.equals(freezeMethod)) {
        try (Stream<Path> left = Files.list(work)) {
          assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith("freeze-")),
              "the clone's temporary server was released: " + work);
        }
      }
    }
  }
}
