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
import dev.migrator.model.StageOptions;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The staged transport end to end on real servers (issue 3): a physical backup of the source
 * (mariabackup) is the frozen copy; chunks are dumped by a worker on the dump queue (client A,
 * near the source) into a stage directory and loaded by another worker process on the load
 * queue (client B, near the target), which is SIGKILLed in the middle of the loads; a new load
 * worker finishes. Secondary indexes are deferred and built as each table finishes. The target
 * matches the source, the deferred indexes are there, and the stage is empty afterwards.
 */
class StagedCopyEndToEndTest {
  @Test
  void physicalBackupThroughAStageWithTheLoadWorkerKilledMidCopy() throws Exception {
    Path stage = Files.createTempDirectory("migrator-stage-");
    try (TemporalTestServerProcess temporal = TemporalTestServerProcess.start();
        LocalMariaDb source = LocalMariaDb.start("st-src");
        LocalMariaDb target = LocalMariaDb.start("st-dst")) {
      Sakila.load(source);
      WorkflowClient client = MigratorWorker.client(temporal.target(), "default");
      try (WriteLoad load = WriteLoad.start(source, "sakila", "app_ledger", "app", 5)) {
        MigrationRequest r = E2E.request(source, target, "sakila");
        r.method = "physical-backup";
        r.copy.chunkRows = 100;
        r.copy.parallelism = 2;
        r.copy.chunksPerActivity = 2; // small batches: the kill lands mid-copy and mid-batch
        r.copy.deferSecondaryIndexes = true;
        r.copy.transport = "staged";
        r.copy.stage = new StageOptions();
        r.copy.stage.location = stage.toString();
        r.copy.stage.dumpTaskQueue = "migrator-dump";
        r.copy.stage.loadTaskQueue = "migrator-load";
        r.cutover.autoApprove = true;
        MigrationWorkflow wf;
        try (WorkerProcess main = WorkerProcess.start(temporal.target());
            WorkerProcess dump = WorkerProcess.start(temporal.target(), "migrator-dump")) {
          try (WorkerProcess firstLoader = WorkerProcess.start(temporal.target(), "migrator-load")) {
            wf = E2E.start(client, "staged-copy-crash", r);
            E2E.await(wf, Duration.ofMinutes(4), s -> s.copy != null && s.copy.chunksDone >= 4);
            firstLoader.kill();
          }
          try (WorkerProcess secondLoader = WorkerProcess.start(temporal.target(), "migrator-load")) {
            MigrationResult result = E2E.result(wf, Duration.ofMinutes(5));
            assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
            assertTrue(result.status.verify.ok);
            assertEquals(result.status.copy.chunksTotal, result.status.copy.chunksDone);
            assertTrue(Files.readString(dump.log()).contains("dumped"), "the dump worker dumped");
            assertTrue(Files.readString(secondLoader.log()).contains("loaded"), "the new load worker loaded");
          }
        }
      }
      assertEquals(Contents.of(source, "sakila"), Contents.of(target, "sakila"));
      // rental has plain secondary keys: deferred by the schema step, back after the load
      assertEquals(source.query("SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS"
              + " WHERE TABLE_SCHEMA='sakila' AND TABLE_NAME='rental'"),
          target.query("SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS"
              + " WHERE TABLE_SCHEMA='sakila' AND TABLE_NAME='rental'"));
      try (Stream<Path> left = Files.walk(stage)) {
        assertEquals(0, left.filter(Files::isRegularFile).count(), "the stage is emptied after the copy");
      }
    }
  }
}
