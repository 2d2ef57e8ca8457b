package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.CopySizing;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.StageOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chunked copy's orchestration choices (issue 3): the staged transport runs dumps on the dump
 * queue and loads on the load queue and dumps a batch again when its files are gone; the rule of
 * thumb sizes the copy when copy.parallelism is 0; the adaptive chunk size follows the measured
 * time per chunk; deferred indexes are built as tables finish.
 */
class CopyTransportWorkflowTest {
  static final String QUEUE = "migrator-test";
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeActivities fakes;

  @BeforeEach
  void setUp() {
    fakes = new FakeActivities();
    env = stagedEnvironment(fakes);
    client = env.getWorkflowClient();
  }

  /**
   * Three tables of five chunks, and beside the migration's worker the activity-only workers of a
   * staged copy: client A near the source ("dump-q"), client B near the target ("load-q"). Started.
   */
  static TestWorkflowEnvironment stagedEnvironment(FakeActivities fakes) {
    fakes.tablesPerSchema = 3;
    fakes.chunksPerTable = 5;
    TestWorkflowEnvironment env = fakes.environment(QUEUE);
    env.newWorker("dump-q").registerActivitiesImplementations(fakes.new Staged());
    env.newWorker("load-q").registerActivitiesImplementations(fakes.new Staged());
    env.start();
    return env;
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  /** Schema "shop" copied from a stopped replica (the chunked, frozen-copy path), approved automatically. */
  static MigrationRequest request() {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "m1";
    r.source = new Endpoint("source.example", 3306, "admin", "env:SOURCE_DB_PASSWORD");
    r.target = new Endpoint("target.example", 3306, "admin", "env:TARGET_DB_PASSWORD");
    r.schemas.add("shop");
    r.replication.password = "env:REPL_PASSWORD";
    r.method = "stopped-replica";
    r.frozenReplica = new Endpoint("replica.local", 3306, "root", null);
    r.cutover.autoApprove = true;
    return r;
  }

  private MigrationResult run(MigrationRequest r) {
    MigrationWorkflow wf = client.newWorkflowStub(MigrationWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("wf-" + r.migrationId).build());
    WorkflowClient.start(wf::run, r);
    return WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void stagedCopyDumpsNearTheSourceLoadsNearTheTargetAndDumpsAgainWhenFilesAreGone() {
    MigrationRequest r = request();
    r.copy.transport = "staged";
    r.copy.stage = new StageOptions();
    r.copy.stage.location = "s3://bucket/migrations";
    r.copy.stage.dumpTaskQueue = "dump-q";
    r.copy.stage.loadTaskQueue = "load-q";
    r.copy.chunksPerActivity = 2;
    r.copy.deferSecondaryIndexes = true;
    fakes.missingFiles.set(1);

    MigrationResult result = run(r);

    assertEquals(MigrationResult.COMPLETED, result.outcome, String.valueOf(result.status.error));
    assertEquals(15, result.status.copy.chunksDone);
    assertEquals(150, result.status.copy.rows);
    var j = fakes.journal;
    assertEquals(0, j.count("copyChunks"), "no direct copy");
    assertEquals(0, j.count("dumpChunks@" + QUEUE) + j.count("loadChunks@" + QUEUE), "nothing staged on the main queue");
    // 3 tables x 5 chunks in batches of 2 -> 9 batches (one page per table set); one batch dumped twice
    int loads = (int) j.count("loadChunks@load-q");
    int dumps = (int) j.count("dumpChunks@dump-q");
    assertEquals(dumps, loads, "every dump is loaded once; the failed load is retried after its re-dump");
    assertTrue(dumps >= 9, "dumps: " + dumps);
    assertEquals(1, j.count("deleteStage"), "the stage is emptied once the copy is done");
    assertTrue(j.count("addDeferredIndexes") >= 1, "deferred indexes are built as tables finish");
  }

  /** Issue 18: options left out get the measured-faster defaults; what a request sets stays. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void leftOutCopyOptionsGetTheFastDefaults() {
    MigrationResult result = run(request());
    assertEquals(MigrationResult.COMPLETED, result.outcome, String.valueOf(result.status.error));
    assertEquals(List.of(true), fakes.schemaDefers, "tables created without their secondary indexes");
    assertTrue(fakes.journal.count("addDeferredIndexes") >= 1, "built as tables finish");
    assertTrue(!fakes.writeMethods.isEmpty() && fakes.writeMethods.stream().allMatch(
        m -> m == dev.migrator.model.CopyOptions.WriteMethod.AUTO), "LOAD DATA where the target allows it: " + fakes.writeMethods);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void copyOptionsARequestSetsAreKept() {
    MigrationRequest r = request();
    r.copy.deferSecondaryIndexes = false;
    r.copy.writeMethod = dev.migrator.model.CopyOptions.WriteMethod.INSERT;
    MigrationResult result = run(r);
    assertEquals(MigrationResult.COMPLETED, result.outcome, String.valueOf(result.status.error));
    assertEquals(List.of(false), fakes.schemaDefers);
    assertEquals(0, fakes.journal.count("addDeferredIndexes"));
    assertTrue(fakes.writeMethods.stream().allMatch(m -> m == dev.migrator.model.CopyOptions.WriteMethod.INSERT));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void parallelismZeroFollowsTheRuleOfThumb() {
    MigrationResult result = run(request());
    assertEquals(MigrationResult.COMPLETED, result.outcome, String.valueOf(result.status.error));
    CopySizing s = result.status.copy.sizing;
    // the fake reports 4 CPUs on each side: 4 readers, 2 writers, 4 at once (two per CPU, up to 4)
    assertEquals(4, s.readers);
    assertEquals(2, s.writers);
    assertEquals(4, s.slots);
    assertEquals(1, fakes.journal.count("sizeCopy"));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void fixedParallelismIsNotSized() {
    MigrationRequest r = request();
    r.copy.parallelism = 3;
    MigrationResult result = run(r);
    assertEquals(3, result.status.copy.sizing.slots);
    assertEquals(0, fakes.journal.count("sizeCopy"));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void adaptiveChunkSizeFollowsTheMeasuredTimePerChunk() {
    MigrationRequest r = request();
    fakes.tablesPerSchema = 1;
    fakes.chunksPerTable = 8;
    r.copy.planPageChunks = 2; // four pages
    r.copy.chunkRows = 100;
    r.copy.targetChunkSeconds = 2;
    fakes.chunkMillis = 100; // 10 rows in 0.1 s: 100 rows/s -> 200 rows per 2 s chunk
    MigrationResult result = run(r);
    assertEquals(MigrationResult.COMPLETED, result.outcome, String.valueOf(result.status.error));
    assertEquals(List.of(0L, 200L, 200L, 200L), fakes.plannedChunkRows.subList(0, 4));
  }
}
