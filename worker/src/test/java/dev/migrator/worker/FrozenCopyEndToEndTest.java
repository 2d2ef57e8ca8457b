package dev.migrator.worker;

import dev.migrator.testkit.temporal.WorkerProcess;
import dev.migrator.testkit.temporal.TemporalTestServerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.Sakila;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.model.CopyOptions;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The chunked, parallel copy from a frozen copy (a stopped replica of the source), end to end on
 * real servers, also across a worker SIGKILL in the middle of the copy.
 */
class FrozenCopyEndToEndTest {
  @Test
  void stoppedReplicaFrozenCopySurvivesAWorkerKilledMidCopy() throws Exception {
    try (TemporalTestServerProcess temporal = TemporalTestServerProcess.start();
        LocalMariaDb source = LocalMariaDb.start("fz-src");
        LocalMariaDb replica = LocalMariaDb.start("fz-replica");
        LocalMariaDb target = LocalMariaDb.start("fz-dst")) {
      replica.replicateFrom(source);
      Sakila.load(source);
      WorkflowClient client = MigratorWorker.client(temporal.target(), "default");
      try (WriteLoad load = WriteLoad.start(source, "sakila", "app_ledger", "app", 5)) {
        MigrationRequest r = E2E.request(source, target, "sakila");
        r.method = "stopped-replica";
        r.frozenReplica = E2E.endpoint(replica);
        r.copy.chunkRows = 100;
        r.copy.parallelism = 2;
        r.copy.chunksPerActivity = 2; // small batches: the kill lands mid-copy and mid-batch
        r.copy.writeMethod = CopyOptions.WriteMethod.LOAD_DATA;
        r.cutover.autoApprove = true;
        r.verify.mode = "inline"; // the copy's checksums across the kill
        MigrationWorkflow wf;
        try (WorkerProcess first = WorkerProcess.start(temporal.target())) {
          wf = E2E.start(client, "frozen-copy-crash", r);
          E2E.await(wf, Duration.ofMinutes(3), s -> s.copy != null && s.copy.chunksDone >= 4);
          first.kill();
        }
        try (WorkerProcess second = WorkerProcess.start(temporal.target())) {
          MigrationResult result = E2E.result(wf, Duration.ofMinutes(5));
          assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
          assertTrue(result.status.verify.ok);
          // verify.mode inline: the copy's CRC32 sums against a fresh read of the
          // target, the chunks the kill left without sums read again on the frozen copy
          assertTrue(result.status.verify.tables.stream().allMatch(v -> v.source.checksum.startsWith("crc:")),
              () -> result.status.verify.tables.toString());
          assertEquals(result.status.copy.chunksTotal, result.status.copy.chunksDone);
        }
      }
      assertEquals(Contents.of(source, "sakila"), Contents.of(target, "sakila"));
      try (java.sql.Connection c = replica.connect()) {
        assertTrue(dev.migrator.replication.ReplicaStatusReader.read(c).sqlRunning,
            "the release restarted the stopped replica's SQL thread");
      }
    }
  }
}
