package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.StageOptions;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import dev.migrator.model.TrafficSwitch;
import dev.migrator.workflow.replay.HistoryFiles;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the event histories that {@code replay.RecordedHistoriesReplayTest} replays: each test
 * drives one representative run of the <em>current</em> workflow code on the in-memory test service
 * with {@link FakeActivities}, checks that it went as described, then writes the migration's history
 * and the history of every run of every child workflow (table copies, catch-ups, including their
 * continue-as-new runs) to {@code src/test/resources/histories/} (gzipped JSON, see
 * {@link HistoryFiles}) and checks at once that each file replays.
 *
 * <p>Off by default. Run it with
 * {@code mvn -B -ntp -q -pl workflows test -Dtest=HistoryRecorder -Dmigrator.recordHistories=true}.
 * A scenario whose history file already exists is skipped: recorded histories stand for migrations
 * already running and are never re-recorded after a workflow change (see histories/README.md);
 * only new scenarios are added.
 *
 * <p>In this package (not {@code replay}) because {@link FakeActivities} is package-private.
 */
@EnabledIfSystemProperty(named = "migrator.recordHistories", matches = "true")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HistoryRecorder {
  /** The test service's clock starts here for every run, so timestamps and the cutover window are fixed. */
  static final Instant START = Instant.parse("2026-11-30T08:00:00Z");
  static final String QUEUE = MigrationWorkflow.TASK_QUEUE;
  static final String DUMP_QUEUE = "migrator-dump-eu-west-1a";
  static final String LOAD_QUEUE = "migrator-load-eu-west-1b";
  /** Gzipped JSON, see {@link HistoryFiles}. */
  static final String EXT = ".json.gz";

  /** A realistic request: one schema of a self-managed MySQL source into an Aurora MySQL cluster. */
  static MigrationRequest request(String migrationId) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = migrationId;
    r.source = new Endpoint("mysql-shop-1.db.eu-west-1.internal", 3306, "migrator", "env:SOURCE_DB_PASSWORD");
    r.target = new Endpoint("shop-aurora.cluster-c9akciq32.eu-west-1.rds.amazonaws.com", 3306, "admin",
        "secret:prod/shop-aurora/admin");
    r.target.flavor = "aurora-mysql";
    r.schemas.add("shop");
    r.replication.password = "secret:prod/shop-mysql/replication";
    r.retentionHours = 48;
    return r;
  }

  static void frozenReplica(MigrationRequest r) {
    r.method = "stopped-replica";
    r.frozenReplica = new Endpoint("mysql-shop-2.db.eu-west-1.internal", 3306, "migrator", "env:REPLICA_DB_PASSWORD");
  }

  // ---------------------------------------------------------------------------------------------
  // Completed migrations.

  @Test
  void liveAutoApprove() throws Exception {
    try (Run run = new Run("live-auto-approve")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.start(r);
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  @Test
  void approvedByUpdate() throws Exception {
    try (Run run = new Run("approve-update")) {
      run.fakes.lagSeconds.set(120);
      run.start(run.request());
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.pausedReason != null, "waiting at approve");
      // Refused while lag is above cutover.maxLagSecondsForApproval (30 s).
      assertThrows(WorkflowUpdateException.class, () -> run.wf.approveCutover("alice@shop.example"));
      run.fakes.lagSeconds.set(0);
      run.env.sleep(Duration.ofMinutes(6)); // the approve step refreshes the lag every 5 minutes
      run.awaitStatus(s -> s.lag != null && s.lag.replica != null && Long.valueOf(0).equals(s.lag.replica.secondsBehind),
          "lag refreshed");
      assertTrue(run.wf.approveCutover("alice@shop.example").startsWith("approved by alice"));
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals("approved by alice@shop.example", step(res.status, Step.APPROVE).detail);
      run.save();
    }
  }

  @Test
  void approvedBySignal() throws Exception {
    try (Run run = new Run("approve-signal")) {
      run.start(run.request());
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.pausedReason != null, "waiting at approve");
      run.wf.approve();
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  /** physical-backup, automatic sizing (sizeCopy), 2 tables of 5 chunks, pages of 2: 3 runs per child. */
  @Test
  void frozenCopyPhysicalBackupPaged() throws Exception {
    try (Run run = new Run("frozen-copy-physical-backup")) {
      run.fakes.chunksPerTable = 5;
      MigrationRequest r = run.request();
      r.method = "physical-backup";
      r.copy.parallelism = 0;
      r.copy.planPageChunks = 2;
      r.copy.activitiesPerRun = 2;
      r.cutover.autoApprove = true;
      run.start(r);
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(10, res.status.copy.chunksDone);
      assertEquals(1, run.fakes.journal.count("sizeCopy"));
      run.save();
    }
  }

  /**
   * stopped-replica, 3 tables (more groups than copy slots), one chunk per activity, progress
   * reported on every change, adaptive chunk size; each child continues as new once.
   */
  @Test
  void frozenCopyStoppedReplica() throws Exception {
    try (Run run = new Run("frozen-copy-stopped-replica")) {
      run.fakes.tablesPerSchema = 3;
      run.fakes.chunksPerTable = 4;
      run.fakes.chunkMillis = 100;
      MigrationRequest r = run.request();
      frozenReplica(r);
      r.copy.parallelism = 2;
      r.copy.chunksPerActivity = 1;
      r.copy.planPageChunks = 2;
      r.copy.activitiesPerRun = 3;
      r.copy.progressReportSeconds = 0;
      r.copy.chunkRows = 100;
      r.copy.targetChunkSeconds = 2;
      r.cutover.autoApprove = true;
      run.start(r);
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(12, res.status.copy.chunksDone);
      run.save();
    }
  }

  /**
   * Inline checksums (version inline-checksums, verify.mode inline by default): stopped-replica,
   * 3 tables x 4 chunks, pages of 2 and continue-as-new (a table's sums travel in the cursor), one
   * chunk without sums (as after a crash between its commit and its checksums): verify gets the
   * frozen copy's sums per table and that chunk to read again.
   */
  @Test
  void inlineChecksums() throws Exception {
    try (Run run = new Run("ck-inline-verify")) {
      run.fakes.tablesPerSchema = 3;
      run.fakes.chunksPerTable = 4;
      run.fakes.unknownSums.add("shop.t1#2");
      MigrationRequest r = run.request();
      frozenReplica(r);
      r.copy.parallelism = 2;
      r.copy.chunksPerActivity = 2;
      r.copy.planPageChunks = 2;
      r.copy.activitiesPerRun = 2;
      r.cutover.autoApprove = true;
      run.start(r);
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(12, res.status.copy.chunksDone);
      assertEquals(1, run.fakes.lastVerify.inlineChecksums);
      assertEquals(3, run.fakes.lastVerify.inline.size());
      assertEquals(1, run.fakes.lastVerify.inline.get("shop.t1").unknown.size());
      run.save();
    }
  }

  /** verify.mode full under the inline-checksums version: no sums asked of the copy, verify reads both sides. */
  @Test
  void inlineChecksumsFullVerify() throws Exception {
    try (Run run = new Run("ck-verify-full")) {
      run.fakes.chunksPerTable = 3;
      MigrationRequest r = run.request();
      r.method = "physical-backup";
      r.copy.parallelism = 2;
      r.verify.mode = "full";
      r.cutover.autoApprove = true;
      run.start(r);
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(null, run.fakes.lastVerify.inline);
      run.save();
    }
  }

  @Test
  void stagedCopy() throws Exception {
    try (Run run = new Run("staged-copy")) {
      run.fakes.chunksPerTable = 5;
      run.fakes.missingFiles.set(1); // one load finds its files gone: that batch is dumped again
      MigrationRequest r = run.request();
      frozenReplica(r);
      r.copy.parallelism = 2;
      r.copy.transport = "staged";
      r.copy.stage = new StageOptions();
      r.copy.stage.location = "s3://shop-migration-stage/eu-west-1";
      r.copy.stage.region = "eu-west-1";
      r.copy.stage.dumpTaskQueue = DUMP_QUEUE;
      r.copy.stage.loadTaskQueue = LOAD_QUEUE;
      r.copy.chunksPerActivity = 2;
      r.cutover.autoApprove = true;
      run.start(r);
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(10, res.status.copy.chunksDone);
      assertEquals(1, run.fakes.journal.count("deleteStage"));
      var j = run.fakes.journal;
      assertEquals(j.count("dumpChunks@" + DUMP_QUEUE), j.count("loadChunks@" + LOAD_QUEUE), "a re-dump for the failed load");
      assertEquals(0, j.count("dumpChunks@" + QUEUE) + j.count("loadChunks@" + QUEUE) + j.count("copyChunks"));
      run.save();
    }
  }

  @Test
  void deferSecondaryIndexes() throws Exception {
    try (Run run = new Run("defer-secondary-indexes")) {
      run.fakes.chunksPerTable = 3;
      MigrationRequest r = run.request();
      r.method = "physical-backup";
      r.copy.parallelism = 2;
      r.copy.deferSecondaryIndexes = true;
      r.cutover.autoApprove = true;
      run.start(r);
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(2, run.fakes.journal.count("addDeferredIndexes"));
      run.save();
    }
  }

  /** Issue 18: copy options left out (version marker fast-copy-defaults): AUTO writes, deferred indexes. */
  @Test
  void fastCopyDefaults() throws Exception {
    try (Run run = new Run("h18-fast-copy-defaults")) {
      run.fakes.chunksPerTable = 3;
      MigrationRequest r = run.request();
      r.method = "physical-backup";
      r.cutover.autoApprove = true;
      run.start(r);
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(2, run.fakes.journal.count("addDeferredIndexes"));
      run.save();
    }
  }

  /** 8 polls behind, lag falling, 3 polls per child run: the catch-up child continues as new twice. */
  @Test
  void catchUpContinueAsNew() throws Exception {
    try (Run run = new Run("catch-up-continue-as-new")) {
      run.fakes.behindPollsLeft.set(8);
      run.fakes.lagSecondsAt = n -> 5400 - n * 600;
      MigrationRequest r = run.request();
      r.replication.pollSeconds = 300;
      r.replication.pollsPerRun = 3;
      r.replication.lagReportSeconds = 600;
      r.cutover.autoApprove = true;
      run.start(r);
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(9, res.status.lag.catchUpPolls);
      run.save();
    }
  }

  /** Lag growing, every reading reported: the trend warning. */
  @Test
  void catchUpLagNotFalling() throws Exception {
    try (Run run = new Run("catch-up-lag-not-falling")) {
      run.fakes.behindPollsLeft.set(6);
      run.fakes.lagSecondsAt = n -> 3600 + n * 60;
      MigrationRequest r = run.request();
      r.replication.pollSeconds = 600;
      r.replication.lagReportSeconds = 0;
      r.cutover.autoApprove = true;
      run.start(r);
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertTrue(res.status.warnings.stream().anyMatch(w -> w.contains("lag is not falling")), res.status.warnings.toString());
      run.save();
    }
  }

  @Test
  void eventsMovedAtCutover() throws Exception {
    try (Run run = new Run("events-at-cutover")) {
      run.fakes.enabledEvents.addAll(List.of("shop.nightly_cleanup", "shop.purge_abandoned_carts"));
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.start(r);
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(1, run.fakes.journal.count("switchEvents"));
      run.save();
    }
  }

  @Test
  void trafficSwitchCommand() throws Exception {
    try (Run run = new Run("traffic-switch-command")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.cutover.trafficSwitch = commandSwitch();
      run.start(r);
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(1, run.fakes.journal.count("switchTraffic"));
      run.save();
    }
  }

  @Test
  void cutoverWindowNotBefore() throws Exception {
    try (Run run = new Run("cutover-window-not-before")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.cutover.notBefore = "2026-11-30T11:00:00Z"; // three hours after START: a durable timer
      run.start(r);
      run.awaitStatus(s -> s.pausedReason != null && s.pausedReason.contains("cutover window"), "waiting for the window");
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertTrue(step(res.status, Step.CUTOVER).startedAtMillis >= Instant.parse(r.cutover.notBefore).toEpochMilli());
      run.save();
    }
  }

  /** Reverse replication and a grace period that runs out: completes. */
  @Test
  void reverseReplicationGracePeriodCompletes() throws Exception {
    try (Run run = new Run("reverse-replication-grace-period")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.cutover.reverseReplication = true;
      r.cutover.gracePeriodSeconds = 3600;
      run.start(r);
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(1, run.fakes.journal.count("stopReverseReplication"));
      run.save();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Paused on a failed step, then decided.

  @Test
  void failedCopyRetry() throws Exception {
    try (Run run = new Run("failed-copy-retry")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.fakes.fail("copyLiveConsistent");
      run.start(r);
      run.awaitStatus(s -> s.paused && "copy".equals(s.currentStep), "paused on the copy failure");
      run.fakes.succeed("copyLiveConsistent");
      run.wf.decide("retry");
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(2, step(res.status, Step.COPY).attempts);
      run.save();
    }
  }

  @Test
  void failedVerifySkip() throws Exception {
    try (Run run = new Run("failed-verify-skip")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.fakes.fail("verify");
      run.start(r);
      run.awaitStatus(s -> s.paused && "verify".equals(s.currentStep), "paused on the verify failure");
      run.wf.decide("skip");
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(StepState.SKIPPED, step(res.status, Step.VERIFY).state);
      run.save();
    }
  }

  @Test
  void failedRetentionSkip() throws Exception {
    try (Run run = new Run("failed-retention-skip")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.fakes.fail("readRetention");
      run.start(r);
      run.awaitStatus(s -> s.paused && "retention".equals(s.currentStep), "paused on the retention failure");
      run.wf.decide("skip");
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(StepState.SKIPPED, step(res.status, Step.RETENTION).state);
      run.save();
    }
  }

  @Test
  void failedCopyRollbackDecision() throws Exception {
    try (Run run = new Run("failed-copy-rollback")) {
      run.fakes.fail("copyLiveConsistent");
      run.start(run.request());
      run.awaitStatus(s -> s.paused && "copy".equals(s.currentStep), "paused on the copy failure");
      run.wf.decide("rollback");
      ApplicationFailure f = run.expectFailure("MigrationFailed");
      assertTrue(f.getOriginalMessage().contains("operator chose rollback"), f.getOriginalMessage());
      run.save();
    }
  }

  /** A table-copy child fails: the step pauses; retry copies the groups not done in new children ("-retry-1"). */
  @Test
  void frozenCopyFailedChildRetry() throws Exception {
    try (Run run = new Run("frozen-copy-failed-child-retry")) {
      run.fakes.fail("copyChunks");
      MigrationRequest r = run.request();
      frozenReplica(r);
      r.copy.parallelism = 2;
      r.cutover.autoApprove = true;
      run.start(r);
      run.awaitStatus(s -> s.paused && "copy".equals(s.currentStep), "paused on the failed table copy");
      run.fakes.succeed("copyChunks");
      run.wf.decide("retry");
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(2, step(res.status, Step.COPY).attempts);
      run.save();
    }
  }

  @Test
  void onFailureRollback() throws Exception {
    try (Run run = new Run("on-failure-rollback")) {
      MigrationRequest r = run.request();
      r.onFailure = "rollback";
      run.fakes.fail("verify");
      run.start(r);
      ApplicationFailure f = run.expectFailure("MigrationFailed");
      assertTrue(f.getOriginalMessage().contains("verify failed"), f.getOriginalMessage());
      run.save();
    }
  }

  @Test
  void cutoverWindowClosedRollback() throws Exception {
    try (Run run = new Run("cutover-window-closed-rollback")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.cutover.notAfter = "2026-11-30T07:00:00Z"; // an hour before START: closed when approve runs
      run.start(r);
      MigrationStatus s = run.awaitStatus(st -> st.paused && "approve".equals(st.currentStep), "paused: window closed");
      assertTrue(s.pausedReason.contains("cutover window closed"), s.pausedReason);
      run.wf.decide("rollback");
      run.expectFailure("MigrationFailed");
      run.save();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Replication errors at catch-up.

  @Test
  void replicationErrorSkip() throws Exception {
    try (Run run = new Run("replication-error-skip")) {
      run.fakes.lagErrorKind = "duplicate-key";
      run.fakes.lagErrorsLeft.set(1);
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.start(r);
      run.awaitStatus(s -> s.paused && "catch-up".equals(s.currentStep), "paused on the replication error");
      run.wf.decide("skip");
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(1, run.fakes.journal.count("skipReplicationEvent"));
      run.save();
    }
  }

  @Test
  void replicationErrorRetry() throws Exception {
    try (Run run = new Run("replication-error-retry")) {
      run.fakes.lagErrorKind = "connect";
      run.fakes.lagErrorsLeft.set(1);
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.start(r);
      run.awaitStatus(s -> s.paused && "catch-up".equals(s.currentStep), "paused on the replication error");
      run.wf.decide("retry");
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(1, run.fakes.journal.count("resumeReplication"));
      run.save();
    }
  }

  @Test
  void replicationErrorNextLog() throws Exception {
    try (Run run = new Run("replication-error-next-log")) {
      run.fakes.lagErrorKind = "impossible-position";
      run.fakes.lagErrorsLeft.set(1);
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.start(r);
      run.awaitStatus(s -> s.paused && "catch-up".equals(s.currentStep), "paused on the replication error");
      run.wf.decide("next-log");
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(1, run.fakes.journal.count("moveToNextLog"));
      run.save();
    }
  }

  @Test
  void replicationErrorRebuild() throws Exception {
    try (Run run = new Run("replication-error-rebuild")) {
      run.fakes.lagErrorKind = "log-purged";
      run.fakes.lagErrorsLeft.set(1);
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.start(r);
      run.awaitStatus(s -> s.paused && "catch-up".equals(s.currentStep), "paused on the replication error");
      run.wf.decide("rebuild");
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(2, run.fakes.journal.count("freeze"));
      assertEquals(2, run.fakes.journal.count("copyLiveConsistent"));
      run.save();
    }
  }

  /** Rebuild of a chunked copy: the second copy's children are "-copy-N-retry-1". */
  @Test
  void replicationErrorRebuildFrozenCopy() throws Exception {
    try (Run run = new Run("replication-error-rebuild-frozen-copy")) {
      run.fakes.lagErrorKind = "missing-row";
      run.fakes.lagErrorsLeft.set(1);
      MigrationRequest r = run.request();
      frozenReplica(r);
      r.copy.parallelism = 2;
      r.cutover.autoApprove = true;
      run.start(r);
      run.awaitStatus(s -> s.paused && "catch-up".equals(s.currentStep), "paused on the replication error");
      run.wf.decide("rebuild");
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(2, run.fakes.journal.count("freeze"));
      run.save();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pause and resume.

  @Test
  void pauseBeforeBreakpoints() throws Exception {
    try (Run run = new Run("pause-before-resume")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.pauseBefore.addAll(List.of("replicate", "cutover"));
      run.start(r);
      run.awaitStatus(s -> s.paused && "replicate".equals(s.currentStep), "at the replicate breakpoint");
      run.wf.resume();
      run.awaitStatus(s -> s.paused && "cutover".equals(s.currentStep), "at the cutover breakpoint");
      run.wf.resume();
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  @Test
  void operatorPauseResume() throws Exception {
    try (Run run = new Run("operator-pause-resume")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.fakes.block("preflight");
      run.start(r);
      run.fakes.journal.awaitCalls("preflight", 1);
      run.wf.pause("change freeze until the release is out");
      run.fakes.release("preflight");
      run.awaitStatus(s -> s.paused && "retention".equals(s.currentStep), "paused at the next boundary");
      run.env.sleep(Duration.ofMinutes(30));
      run.wf.resume();
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  /** Paused while caught up: waits, then confirms with a new catch-up child. */
  @Test
  void operatorPauseDuringCatchUp() throws Exception {
    try (Run run = new Run("operator-pause-during-catch-up")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.fakes.block("awaitCatchUp");
      run.start(r);
      run.fakes.journal.awaitCalls("awaitCatchUp", 1);
      run.wf.pause("hold the cutover until the batch jobs are done");
      run.awaitHistory(run.workflowId, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, 1);
      run.fakes.release("awaitCatchUp");
      run.awaitStatus(s -> s.paused && "catch-up".equals(s.currentStep), "paused while caught up");
      run.env.sleep(Duration.ofMinutes(20));
      run.wf.resume();
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(2, run.fakes.journal.count("awaitCatchUp"));
      run.save();
    }
  }

  /** The pause reaches the table-copy children as signals; no new batch starts until resume. */
  @Test
  void frozenCopyPauseResume() throws Exception {
    try (Run run = new Run("frozen-copy-pause-resume")) {
      MigrationRequest r = run.request();
      frozenReplica(r);
      r.copy.parallelism = 2;
      r.copy.chunksPerActivity = 1;
      r.cutover.autoApprove = true;
      run.fakes.block("copyChunks");
      run.start(r);
      run.fakes.journal.awaitCalls("copyChunks", 2);
      run.wf.pause("look at the target before more load");
      run.awaitHistory(run.workflowId, EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, 2);
      run.fakes.release("copyChunks");
      run.awaitStatus(s -> s.copy != null && s.copy.chunksDone == 2, "two batches done");
      run.env.sleep(Duration.ofMinutes(5));
      assertEquals(2, run.fakes.journal.count("copyChunks"), "no new batch while paused");
      run.wf.resume();
      MigrationResult res = run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(6, res.status.copy.chunksDone);
      run.save();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rolled back by the rollback signal.

  @Test
  void rollbackAfterPreflight() throws Exception {
    try (Run run = new Run("rollback-after-preflight")) {
      MigrationRequest r = run.request();
      r.pauseBefore.add("retention");
      run.start(r);
      run.awaitStatus(s -> s.paused && "retention".equals(s.currentStep), "at the retention breakpoint");
      run.wf.rollback("preflight: binlog_row_image must be FULL first");
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      run.save();
    }
  }

  @Test
  void rollbackDuringCopy() throws Exception {
    try (Run run = new Run("rollback-during-copy")) {
      run.fakes.block("copyLiveConsistent");
      run.start(run.request());
      run.fakes.journal.awaitCalls("copyLiveConsistent", 1);
      run.wf.rollback("wrong target cluster");
      run.awaitHistory(run.workflowId, EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, 1);
      run.fakes.release("copyLiveConsistent");
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      run.save();
    }
  }

  @Test
  void rollbackAfterCopy() throws Exception {
    try (Run run = new Run("rollback-after-copy")) {
      run.fakes.block("copyLiveConsistent");
      run.start(run.request());
      run.fakes.journal.awaitCalls("copyLiveConsistent", 1);
      run.wf.pause(null);
      run.fakes.release("copyLiveConsistent");
      run.awaitStatus(s -> s.paused && "verify".equals(s.currentStep), "paused before verify");
      run.wf.rollback("copy took too long: redo it in the maintenance window");
      MigrationResult res = run.expectOutcome(MigrationResult.ROLLED_BACK);
      assertEquals(StepState.DONE, step(res.status, Step.COPY).state);
      run.save();
    }
  }

  /** Rollback while table-copy children run: they are cancelled, then everything is undone. */
  @Test
  void rollbackDuringFrozenCopy() throws Exception {
    try (Run run = new Run("rollback-during-frozen-copy")) {
      MigrationRequest r = run.request();
      frozenReplica(r);
      r.copy.parallelism = 2;
      run.fakes.block("copyChunks");
      run.start(r);
      run.fakes.journal.awaitCalls("copyChunks", 2);
      run.wf.rollback("replica lag alarm on the frozen replica's host");
      run.awaitHistory(run.workflowId + "-copy-0", EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, 1);
      run.awaitHistory(run.workflowId + "-copy-1", EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, 1);
      run.fakes.release("copyChunks");
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      run.save();
    }
  }

  @Test
  void rollbackDuringCatchUp() throws Exception {
    try (Run run = new Run("rollback-during-catch-up")) {
      run.fakes.behindPollsLeft.set(1000);
      run.fakes.lagSecondsAt = n -> 7200;
      MigrationRequest r = run.request();
      r.replication.pollSeconds = 60;
      r.replication.lagReportSeconds = 0;
      run.start(r);
      run.awaitStatus(s -> s.lag != null && s.lag.catchUpPolls >= 3 && "catch-up".equals(s.currentStep),
          "three polls into the catch-up", Duration.ofSeconds(20));
      run.wf.rollback("lag does not fall: the target is undersized");
      MigrationResult res = run.expectOutcome(MigrationResult.ROLLED_BACK);
      assertEquals(StepState.FAILED, step(res.status, Step.CATCH_UP).state);
      run.save();
    }
  }

  @Test
  void rollbackWaitingForApproval() throws Exception {
    try (Run run = new Run("rollback-waiting-for-approval")) {
      run.start(run.request());
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.pausedReason != null, "waiting at approve");
      run.wf.rollback("the business postponed the move");
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      run.save();
    }
  }

  @Test
  void rollbackDuringCutover() throws Exception {
    try (Run run = new Run("rollback-during-cutover")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.fakes.block("waitForTargetPosition");
      run.start(r);
      run.fakes.journal.awaitCalls("waitForTargetPosition", 1);
      run.wf.rollback("drain too slow");
      run.awaitHistory(run.workflowId, EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, 1);
      run.fakes.release("waitForTargetPosition");
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      run.save();
    }
  }

  /** In the grace period after a cutover with reverse replication and a traffic switch. */
  @Test
  void rollbackInGracePeriod() throws Exception {
    try (Run run = new Run("rollback-grace-period-reverse-replication")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.cutover.reverseReplication = true;
      r.cutover.gracePeriodSeconds = 3600;
      r.cutover.trafficSwitch = commandSwitch();
      run.start(r);
      run.awaitStatus(s -> s.pausedReason != null && s.pausedReason.startsWith("grace period"), "in the grace period");
      run.env.sleep(Duration.ofMinutes(10));
      run.wf.rollback("p99 latency on the new primary");
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      assertEquals(1, run.fakes.journal.count("waitForSourcePosition"));
      assertEquals(1, run.fakes.journal.count("switchTrafficBack"));
      run.save();
    }
  }

  /** Events moved at cutover come back on a rollback in the grace period. */
  @Test
  void eventsAtCutoverRollback() throws Exception {
    try (Run run = new Run("events-at-cutover-rollback")) {
      run.fakes.enabledEvents.add("shop.nightly_cleanup");
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.cutover.gracePeriodSeconds = 3600;
      run.start(r);
      run.awaitStatus(s -> s.pausedReason != null && s.pausedReason.startsWith("grace period"), "in the grace period");
      run.wf.rollback("the nightly job misbehaves on the target");
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      assertEquals(2, run.fakes.journal.count("switchEvents"));
      run.save();
    }
  }

  @Test
  void cancelledWhileWaitingForApproval() throws Exception {
    try (Run run = new Run("cancelled-waiting-for-approval")) {
      run.start(run.request());
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.pausedReason != null, "waiting at approve");
      WorkflowStub stub = WorkflowStub.fromTyped(run.wf);
      stub.cancel();
      try {
        stub.getResult(MigrationResult.class);
      } catch (RuntimeException expected) {
        // either outcome: what matters is the history
      }
      assertEquals(dev.migrator.model.Phase.ROLLED_BACK, run.wf.status().phase);
      run.save();
    }
  }

  @Test
  void rehearsal() throws Exception {
    try (Run run = new Run("rehearsal")) {
      MigrationRequest r = run.request();
      r.rehearsal = true;
      run.start(r);
      MigrationResult res = run.expectOutcome(MigrationResult.ROLLED_BACK);
      assertEquals("rehearsal: approved itself", step(res.status, Step.APPROVE).detail);
      run.save();
    }
  }

  @Test
  void invalidRequest() throws Exception {
    try (Run run = new Run("invalid-request")) {
      MigrationRequest r = run.request();
      r.schemas.clear();
      r.method = "snapshot";
      run.start(r);
      ApplicationFailure f = run.expectFailure("InvalidRequest");
      assertTrue(f.getOriginalMessage().contains("schemas is empty"), f.getOriginalMessage());
      assertTrue(run.fakes.journal.calls().isEmpty());
      run.save();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Harness.

  static TrafficSwitch commandSwitch() {
    TrafficSwitch t = new TrafficSwitch();
    t.type = "command";
    t.command = "/opt/migrator/hooks/point-app-at.sh aurora";
    t.undoCommand = "/opt/migrator/hooks/point-app-at.sh mysql";
    return t;
  }

  static StepState step(MigrationStatus s, Step step) {
    return s.steps.stream().filter(st -> st.number == step.number).findFirst().orElseThrow();
  }

  // ---------------------------------------------------------------------------------------------
  // Since "nothing lost" (recorded from a03b071): target guard, proof of stillness, approval watch.

  @Test
  void nothingLostAutoApprove() throws Exception {
    try (Run run = new Run("nl-auto-approve")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.fakes.enabledEvents.add("shop.nightly_cleanup");
      run.start(r);
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(1, run.fakes.journal.count("confirmSourceStill"));
      run.save();
    }
  }

  @Test
  void nothingLostApprovedBySignalWhileWatching() throws Exception {
    try (Run run = new Run("nl-approve-signal-watch")) {
      run.start(run.request());
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.lag != null && s.lag.errorKind == null
          && run.fakes.watchPolls.get() > 2, "watching at approve");
      run.wf.approve();
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  @Test
  void nothingLostSourceMovedKillAndRetry() throws Exception {
    try (Run run = new Run("nl-source-moved-kill-and-retry")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.fakes.sourceMovesLeft.set(1);
      run.fakes.enabledEvents.add("shop.nightly_cleanup");
      run.start(r);
      run.awaitStatus(s -> s.paused && "cutover".equals(s.currentStep), "paused: the source moved");
      run.env.sleep(Duration.ofMinutes(3));
      run.wf.decide("kill-and-retry");
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(1, run.fakes.journal.count("killSourceWriters"));
      run.save();
    }
  }

  @Test
  void nothingLostCutoverFailsAfterReplicationStoppedRetry() throws Exception {
    try (Run run = new Run("nl-cutover-fails-after-reset-retry")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.cutover.trafficSwitch = commandSwitch();
      run.fakes.fail("switchTraffic");
      run.start(r);
      run.awaitStatus(s -> s.paused && "cutover".equals(s.currentStep), "paused: traffic switch failed");
      run.fakes.succeed("switchTraffic");
      run.wf.decide("retry");
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  @Test
  void nothingLostLockHeldAndRollbackInGracePeriod() throws Exception {
    try (Run run = new Run("nl-lock-grace-period-rollback")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.cutover.gracePeriodSeconds = 3600;
      r.cutover.reverseReplication = true;
      r.cutover.trafficSwitch = commandSwitch();
      run.fakes.fenceHow = "read_only + a global read lock";
      run.fakes.fenceLock = 42L;
      run.start(r);
      run.awaitStatus(s -> s.pausedReason != null && s.pausedReason.startsWith("grace period"), "in the grace period");
      run.wf.rollback("test");
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      run.save();
    }
  }

  @Test
  void nothingLostReplicationErrorWhileWaitingForApprovalRetry() throws Exception {
    try (Run run = new Run("nl-approval-replication-error-retry")) {
      run.start(run.request());
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.lag != null, "waiting at approve");
      run.fakes.watchErrorsLeft.set(1);
      run.awaitStatus(s -> s.paused, "paused on the replication error");
      assertThrows(WorkflowUpdateException.class, () -> run.wf.approveCutover("bob"));
      run.wf.approve(); // refused: the status says so
      run.awaitStatus(s -> s.approvalRefused != null, "the signal's refusal");
      run.wf.decide("retry");
      run.awaitStatus(s -> !s.paused && s.lag != null && s.lag.errorKind == null, "healthy again");
      run.wf.approveCutover("bob");
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  @Test
  void nothingLostRebuildWhileWaitingForApproval() throws Exception {
    try (Run run = new Run("nl-approval-rebuild")) {
      run.fakes.lagErrorKind = "log-purged";
      run.start(run.request());
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.lag != null, "waiting at approve");
      run.fakes.watchErrorsLeft.set(1);
      run.awaitStatus(s -> s.paused, "paused on the replication error");
      run.wf.decide("rebuild");
      run.awaitStatus(s -> "approve".equals(s.currentStep) && !s.paused && run.fakes.journal.count("createSchema") == 2,
          "waiting at approve after the rebuild");
      run.awaitStatus(s -> s.lag != null && s.lag.errorKind == null, "healthy");
      run.wf.approve();
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  @Test
  void nothingLostApprovalWithdrawnBeforeCutover() throws Exception {
    try (Run run = new Run("nl-approval-withdrawn")) {
      run.start(run.request());
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.lag != null, "waiting at approve");
      run.fakes.lagErrorsLeft.set(1);
      run.wf.approve();
      run.awaitStatus(s -> s.paused, "paused: the reading before the cutover failed");
      run.wf.decide("retry");
      run.awaitStatus(s -> !s.paused && s.pausedReason != null && s.pausedReason.startsWith("waiting for approval")
          && s.lag.errorKind == null, "waiting again");
      run.wf.approve();
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  @Test
  void nothingLostProtectedPreflightFindingRollback() throws Exception {
    try (Run run = new Run("nl-protected-preflight-rollback")) {
      run.fakes.extraFindings.add(new dev.migrator.model.Finding("target-schema-exists", "blocking", "target",
          "schema(s) shop already exist on the target", "migrate into another target").protectingData());
      run.start(run.request());
      run.awaitStatus(s -> s.paused, "paused at preflight");
      run.wf.decide("skip"); // not offered: ignored
      run.env.sleep(Duration.ofSeconds(5));
      run.wf.decide("rollback");
      run.expectFailure("MigrationFailed");
      run.save();
    }
  }

  @Test
  void nothingLostRehearsal() throws Exception {
    try (Run run = new Run("nl-rehearsal")) {
      MigrationRequest r = run.request();
      r.rehearsal = true;
      r.copy.chunkRows = 1000;
      run.start(r);
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      run.save();
    }
  }

  @Test
  void nothingLostFrozenCopyStagedApprovedByUpdate() throws Exception {
    try (Run run = new Run("nl-frozen-staged-update")) {
      MigrationRequest r = run.request();
      frozenReplica(r);
      r.copy.transport = "staged";
      r.copy.stage = new StageOptions();
      r.copy.stage.location = "s3://shop-migration-stage/eu";
      r.copy.stage.dumpTaskQueue = DUMP_QUEUE;
      r.copy.stage.loadTaskQueue = LOAD_QUEUE;
      run.start(r);
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.lag != null && s.lag.errorKind == null, "at approve");
      run.wf.approveCutover("carol");
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Since step 5 was wired ("accounts-step"): copy before the schema step, sync, undo, release.

  @Test
  void accountsCopyAndSyncApprovedByUpdate() throws Exception {
    try (Run run = new Run("acc-copy-and-sync-update")) {
      MigrationRequest r = run.request();
      frozenReplica(r);
      r.accounts.mode = "copy-and-sync";
      r.accounts.exclude.add("batch@%");
      r.cutover.trafficSwitch = commandSwitch();
      run.fakes.accountsDeferredGrants = 2;
      run.start(r);
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.lag != null && s.lag.errorKind == null, "at approve");
      run.wf.approveCutover("dana");
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(2, run.fakes.journal.count("syncAccounts"));
      run.save();
    }
  }

  @Test
  void accountsRefusedAtApprovalRetried() throws Exception {
    try (Run run = new Run("acc-refused-at-approval-retry")) {
      MigrationRequest r = run.request();
      r.accounts.mode = "copy-and-sync";
      r.cutover.autoApprove = true;
      run.fakes.accountsRefusedAtSync = 1;
      run.start(r);
      run.awaitStatus(s -> s.paused && "approve".equals(s.currentStep), "paused: accounts refused");
      run.fakes.accountsRefusedAtSync = 0;
      run.wf.decide("retry");
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  @Test
  void accountsCopyRehearsal() throws Exception {
    try (Run run = new Run("acc-copy-rehearsal")) {
      MigrationRequest r = run.request();
      r.accounts.mode = "copy";
      r.rehearsal = true;
      run.start(r);
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      assertEquals(1, run.fakes.journal.count("dropCreatedAccounts"));
      run.save();
    }
  }

  @Test
  void accountsCopyFailedSkipped() throws Exception {
    try (Run run = new Run("acc-copy-failed-skip")) {
      MigrationRequest r = run.request();
      r.accounts.mode = "copy";
      r.cutover.autoApprove = true;
      run.fakes.fail("copyAccounts");
      run.start(r);
      run.awaitStatus(s -> s.paused && "accounts".equals(s.currentStep), "paused: copyAccounts failed");
      run.wf.decide("skip");
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Since "nothing hidden" ("pauses-visible"): every wait for a human sets MigrationPaused.

  @Test
  void pausesVisibleApprovalWaitSignal() throws Exception {
    try (Run run = new Run("pv-approval-wait-signal")) {
      MigrationRequest r = run.request();
      run.start(r);
      run.awaitStatus(s -> "approve".equals(s.currentStep) && s.lag != null && s.lag.errorKind == null, "at approve");
      run.env.sleep(Duration.ofMinutes(2));
      run.wf.approve();
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  @Test
  void pausesVisibleFrozenCopyPauseResume() throws Exception {
    try (Run run = new Run("pv-frozen-copy-pause-resume")) {
      MigrationRequest r = run.request();
      frozenReplica(r);
      r.copy.parallelism = 2;
      r.copy.chunksPerActivity = 1;
      r.cutover.autoApprove = true;
      r.pauseBefore = List.of("cutover");
      run.fakes.block("copyChunks");
      run.start(r);
      run.fakes.journal.awaitCalls("copyChunks", 2);
      run.wf.pause("look at the target before more load");
      run.awaitStatus(s -> s.paused && "copy".equals(s.currentStep), "paused in the copy");
      run.fakes.release("copyChunks");
      run.env.sleep(Duration.ofMinutes(5));
      run.wf.resume();
      run.awaitStatus(s -> s.paused && "cutover".equals(s.currentStep), "at the breakpoint");
      run.wf.resume();
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  @Test
  void pausesVisibleCatchUpPauseResume() throws Exception {
    try (Run run = new Run("pv-catch-up-pause-replication-error-retry")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.fakes.block("awaitCatchUp");
      run.start(r);
      run.fakes.journal.awaitCalls("awaitCatchUp", 1);
      run.wf.pause("hold the cutover until the batch jobs are done");
      run.awaitHistory(run.workflowId, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, 1);
      run.fakes.release("awaitCatchUp");
      run.awaitStatus(s -> s.paused && "catch-up".equals(s.currentStep), "paused while caught up");
      run.fakes.lagErrorsLeft.set(1);
      run.env.sleep(Duration.ofMinutes(20));
      run.wf.resume();
      run.awaitStatus(s -> s.paused && !s.allowedDecisions.isEmpty(), "paused on the replication error");
      run.wf.decide("retry");
      run.expectOutcome(MigrationResult.COMPLETED);
      run.save();
    }
  }

  /** Started as the temporal CLI or the Web UI would: raw JSON with a misspelt field and a wrong type. */
  @Test
  void pausesVisibleInvalidInputFromTheWebUi() throws Exception {
    try (Run run = new Run("pv-invalid-input-from-the-web-ui")) {
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.node.ObjectNode in = json.valueToTree(run.request());
      in.set("shemas", in.remove("schemas"));
      ((com.fasterxml.jackson.databind.node.ObjectNode) in.get("source")).put("port", "abc");
      run.client.newUntypedWorkflowStub(MigrationWorkflow.WORKFLOW_TYPE,
          WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(run.workflowId).build()).start(in);
      run.wf = run.client.newWorkflowStub(MigrationWorkflow.class, run.workflowId);
      ApplicationFailure f = run.expectFailure("InvalidRequest");
      assertTrue(f.getOriginalMessage().contains("unknown field 'shemas': did you mean 'schemas'?"), f.getOriginalMessage());
      assertTrue(f.getOriginalMessage().contains("source.port must be a number, not \"abc\""), f.getOriginalMessage());
      assertTrue(run.fakes.journal.calls().isEmpty());
      run.save();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Issue 15, activities side: the replication account dropped at finish (version
  // drop-replication-account), or kept; events back on the source after a rollback in the grace period.

  @Test
  void replicationAccountDroppedAtFinish() throws Exception {
    try (Run run = new Run("h15-replication-account-dropped")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      run.fakes.enabledEvents.add("shop.nightly_cleanup");
      run.start(r);
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(1, run.fakes.journal.count("dropReplicationUser"));
      run.save();
    }
  }

  @Test
  void replicationAccountKept() throws Exception {
    try (Run run = new Run("h15-replication-account-kept")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.replication.keepAccount = true;
      run.start(r);
      run.expectOutcome(MigrationResult.COMPLETED);
      assertEquals(0, run.fakes.journal.count("dropReplicationUser"));
      run.save();
    }
  }

  @Test
  void eventsBackOnTheSourceAfterARollbackInTheGracePeriod() throws Exception {
    try (Run run = new Run("h15-events-grace-period-rollback")) {
      MigrationRequest r = run.request();
      r.cutover.autoApprove = true;
      r.cutover.gracePeriodSeconds = 3600;
      run.fakes.enabledEvents.add("shop.nightly_cleanup");
      run.start(r);
      run.awaitStatus(s -> s.pausedReason != null && s.pausedReason.startsWith("grace period"), "in the grace period");
      run.env.sleep(Duration.ofMinutes(10));
      run.wf.rollback("the nightly job misbehaves on the target");
      run.expectOutcome(MigrationResult.ROLLED_BACK);
      run.save();
    }
  }

  /** One recorded run: its own test service (clock at {@link #START}), fakes and workers. */
  static final class Run implements AutoCloseable {
    final String name;
    final String workflowId;
    final FakeActivities fakes = new FakeActivities();
    final TestWorkflowEnvironment env;
    final WorkflowClient client;
    MigrationWorkflow wf;
    private boolean saved;

    Run(String name) {
      this.name = name;
      Assumptions.assumeFalse(Files.exists(HistoryFiles.sourceDir().resolve(name + EXT)),
          name + EXT + " exists: recorded histories are never re-recorded (see histories/README.md)");
      this.workflowId = "shop-eu-" + name;
      env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setInitialTime(START).build());
      MigrationSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
      // Lenient deadlock detection: on a loaded machine a failed workflow task would end up in the history.
      Worker worker = env.newWorker(QUEUE, WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(60_000).build());
      worker.registerWorkflowImplementationTypes(MigrationWorkflowImpl.class, CatchUpWorkflowImpl.class,
          TableCopyWorkflowImpl.class);
      worker.registerActivitiesImplementations(fakes.all());
      // The staged transport's activity-only workers near the source and near the target.
      env.newWorker(DUMP_QUEUE).registerActivitiesImplementations(fakes.new Staged());
      env.newWorker(LOAD_QUEUE).registerActivitiesImplementations(fakes.new Staged());
      env.start();
      client = env.getWorkflowClient();
    }

    MigrationRequest request() {
      return HistoryRecorder.request(workflowId);
    }

    void start(MigrationRequest r) {
      wf = client.newWorkflowStub(MigrationWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(workflowId).build());
      WorkflowClient.start(wf::run, r);
    }

    MigrationResult expectOutcome(String outcome) throws Exception {
      MigrationResult res = WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);
      assertEquals(outcome, res.outcome, "outcome; error: " + res.status.error + "; journal: " + fakes.journal.calls());
      return res;
    }

    ApplicationFailure expectFailure(String type) throws Exception {
      WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
          () -> WorkflowStub.fromTyped(wf).getResult(MigrationResult.class));
      ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, e.getCause());
      assertEquals(type, af.getType());
      return af;
    }

    MigrationStatus awaitStatus(Predicate<MigrationStatus> condition, String what) {
      return awaitStatus(condition, what, Duration.ofMillis(10));
    }

    /** Polls the status query; between polls the test service's clock moves by {@code step}. */
    MigrationStatus awaitStatus(Predicate<MigrationStatus> condition, String what, Duration step) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      MigrationStatus s;
      while (!condition.test(s = wf.status())) {
        if (System.nanoTime() > deadline) {
          fail(name + ": never reached " + what + "; phase=" + s.phase + " step=" + s.currentStep
              + " journal=" + fakes.journal.calls());
        }
        env.sleep(step);
      }
      return s;
    }

    void awaitHistory(String id, EventType type, long count) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        long n = 0;
        try {
          n = client.fetchHistory(id).getEvents().stream().filter(e -> e.getEventType() == type).count();
        } catch (RuntimeException notYet) {
          // the child may not exist yet
        }
        if (n >= count) return;
        if (System.nanoTime() > deadline) {
          fail(name + ": fewer than " + count + " " + type + " in " + id + "; journal=" + fakes.journal.calls());
        }
        env.sleep(Duration.ofMillis(10));
      }
    }

    /**
     * Writes the migration's history and every run of every child it started, then replays each
     * file against the current implementations. The migration's file is written last: a run that
     * broke off half-way leaves no {@code <name>.json.gz}, so recording it again overwrites the rest.
     */
    void save() throws Exception {
      Path dir = HistoryFiles.sourceDir();
      Files.createDirectories(dir);
      WorkflowExecutionHistory parent = withWorkflowId(closed(workflowId, null), workflowId);
      Map<String, WorkflowExecutionHistory> files = new LinkedHashMap<>();
      for (HistoryEvent e : parent.getEvents()) {
        if (e.getEventType() != EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) continue;
        var ex = e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution();
        String childId = ex.getWorkflowId();
        String suffix = childId.startsWith(workflowId + "-") ? childId.substring(workflowId.length() + 1) : childId;
        String runId = ex.getRunId();
        for (int runNo = 1; runId != null; runNo++) {
          WorkflowExecutionHistory h = withWorkflowId(closed(childId, runId), childId);
          files.put(name + ".child-" + suffix + ".run-" + runNo + EXT, h);
          HistoryEvent last = h.getEvents().get(h.getEvents().size() - 1);
          runId = last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
              ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
              : null;
        }
      }
      files.put(name + EXT, parent);
      for (Map.Entry<String, WorkflowExecutionHistory> f : files.entrySet()) {
        for (HistoryEvent e : f.getValue().getEvents()) {
          if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
              || e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) {
            fail(name + ": " + f.getKey() + " has a " + e.getEventType() + " (event " + e.getEventId()
                + "), not part of the scenario: record it again on a less loaded machine");
          }
        }
      }
      List<Path> written = new ArrayList<>();
      for (Map.Entry<String, WorkflowExecutionHistory> f : files.entrySet()) {
        Path p = dir.resolve(f.getKey());
        HistoryFiles.write(p, f.getValue());
        written.add(p);
      }
      try (TestWorkflowEnvironment replayEnv = TestWorkflowEnvironment.newInstance()) {
        Worker replay = HistoryFiles.replayWorker(replayEnv, "replay", MigrationWorkflowImpl.class);
        for (Path p : written) WorkflowReplayer.replayWorkflowExecution(HistoryFiles.read(p), replay);
      } catch (Exception | AssertionError e) {
        for (Path p : written) Files.deleteIfExists(p);
        throw new AssertionError(name + ": a recorded history does not replay; nothing kept", e);
      }
      long bytes = 0;
      for (Path p : written) bytes += Files.size(p);
      System.out.printf("recorded %s: %d file(s), %d events in the migration, %d bytes%n", name, written.size(),
          parent.getEvents().size(), bytes);
      saved = true;
    }

    /**
     * The history with its workflow id in the WorkflowExecutionStarted event, where a real server
     * puts it and the in-memory test service leaves it empty. Replay takes the id from there
     * ({@code WorkflowExecutionHistory.fromJson}); the migration derives its children's ids from it.
     */
    static WorkflowExecutionHistory withWorkflowId(WorkflowExecutionHistory h, String id) {
      History.Builder b = h.getHistory().toBuilder();
      var started = b.getEventsBuilder(0).getWorkflowExecutionStartedEventAttributesBuilder();
      if (started.getWorkflowId().isEmpty()) started.setWorkflowId(id);
      return new WorkflowExecutionHistory(b.build(), id);
    }

    private static final Set<EventType> CLOSED = Set.of(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);

    /** The history of a run once it has closed. */
    private WorkflowExecutionHistory closed(String id, String runId) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        WorkflowExecutionHistory h = runId == null ? client.fetchHistory(id) : client.fetchHistory(id, runId);
        List<HistoryEvent> events = h.getEvents();
        if (!events.isEmpty() && CLOSED.contains(events.get(events.size() - 1).getEventType())) return h;
        if (System.nanoTime() > deadline) fail(name + ": " + id + " " + runId + " never closed");
        Thread.sleep(20);
      }
    }

    @Override
    public void close() {
      for (String m : List.of("preflight", "copyLiveConsistent", "copyChunks", "awaitCatchUp", "waitForTargetPosition")) {
        fakes.release(m);
      }
      env.close();
      if (!saved) System.out.printf("NOT recorded: %s%n", name);
    }
  }
}
