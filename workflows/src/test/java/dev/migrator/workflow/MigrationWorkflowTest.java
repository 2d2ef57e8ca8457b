package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.migrator.model.CompensationState;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MigrationWorkflowImpl against fake activities in Temporal's in-memory test service. Every
 * activity call lands in one ordered journal, which the tests compare with the checklist.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MigrationWorkflowTest {
  private static final String QUEUE = "migration-test";
  private static final String ID = "mig-1";

  /** Tables the fake schema step reports for schemas ["shop"]. */
  private static final String TABLES = "[shop.customers, shop.orders]";

  /** Every activity call of a complete migration, in checklist order, up to approval. */
  private static final List<String> UP_TO_APPROVAL = List.of(
      "preflight()",                                 // 1 preflight
      "readRetention()",                             // 2 retention
      "ensureRetention(1)",
      "freeze(" + ID + ")",                          // 3 freeze
      "createSchema([shop])",                        // 4 schema
      "copyLiveConsistent(" + TABLES + ")",          // 6 copy
      "verify(2)",                                   // 7 verify
      "createPostLoadObjects([shop])",               //   triggers after the load
      "releaseFrozenCopy(" + ID + ")",               // 8 release
      "replicationUserExists(migrator_repl)",        // 9 replicate
      "ensureReplicationUser(migrator_repl)",
      "startReplication(mysql-bin.000003:4711)",     //   from the copy's snapshot coordinates
      "guardTarget()",                               //   the target read-only until the cutover
      "awaitCatchUp()");                             // 10 catch up

  /** ... and after approval. */
  private static final List<String> CUTOVER_AND_FINISH = List.of(
      "awaitCatchUp()",                              // 11 a fresh reading right before the cutover
      "setSourceReadOnly(true)",                     // 12 cutover
      "fenceSource()",                               //   stop what read_only lets through
      "sourcePosition()",
      "waitForTargetPosition(mysql-bin.000004:900)",
      "confirmSourceStill(mysql-bin.000004:900)",    //   the source stood still
      "stopAndResetReplication()",
      "setTargetReadOnly(false)",
      "sourcePosition()",                            //   nobody wrote to the old source after the switch
      "restoreRetention(1)",                         // 13 finish
      "releaseSchemas([shop])",                      //   the schemas are the application's now
      "dropReplicationUser(migrator_repl)");         //   nothing needs the account migrator created (issue 15)

  private static final List<String> COMPLETE = concat(UP_TO_APPROVAL, CUTOVER_AND_FINISH);

  /**
   * The shadow checklist at approval time, undone last-registered-first: replication (stop/reset
   * registered after drop-user), copy, schema; the frozen copy was already released by step 8
   * (retired), and retention comes last.
   */
  private static final List<String> UNDO_AT_APPROVAL = List.of(
      "unguardTarget(false)",
      "stopAndResetReplication()",
      "dropReplicationUser(migrator_repl)",
      "truncateTables(" + TABLES + ")",
      "dropSchemas([shop])",
      "restoreRetention(1)");

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeActivities fakes;

  @BeforeEach
  void setUp() {
    fakes = new FakeActivities();
    env = fakes.environment(QUEUE);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    // Let any activity a failing test left blocked finish, then stop the test service.
    for (String m : List.of("preflight", "copyLiveConsistent", "awaitCatchUp", "waitForTargetPosition")) {
      fakes.release(m);
    }
    env.close();
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Happy path.

  @Test
  void autoApprovedMigrationRunsTheChecklistInOrderAndCompletes() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    MigrationWorkflow wf = start(r);

    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(COMPLETE, fakes.journal.calls());

    MigrationStatus s = result.status;
    assertEquals(dev.migrator.model.Phase.COMPLETED, s.phase);
    assertEquals(ID, s.migrationId);
    assertNull(s.currentStep);
    assertFalse(s.paused);
    assertNull(s.error);
    assertEquals(Step.values().length, s.steps.size());
    for (StepState st : s.steps) {
      dev.migrator.model.StepStatus expected = st.number == Step.ACCOUNTS.number ? StepState.SKIPPED : StepState.DONE;
      assertEquals(expected, st.state, "state of step " + st.name);
      assertNotNull(st.startedAtMillis, "start of step " + st.name);
      assertNotNull(st.endedAtMillis, "end of step " + st.name);
      assertNotNull(st.durationMillis, "duration of step " + st.name);
      assertTrue(st.durationMillis >= 0, "duration of step " + st.name);
    }
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13),
        s.steps.stream().map(st -> st.number).toList(), "checklist order");
    assertEquals("approved automatically", step(s, Step.APPROVE).detail);

    // Cutover: source read-only at 1000, target writable at 1250 (fake worker clock).
    assertNotNull(s.cutover);
    assertEquals(FakeActivities.TARGET_WRITABLE_AT - FakeActivities.SOURCE_READ_ONLY_AT, s.cutover.writeDowntimeMillis);
    assertEquals(250, s.cutover.writeDowntimeMillis);
    assertEquals("mysql-bin.000004:900", s.cutover.finalPosition.toString());
    assertTrue(step(s, Step.CUTOVER).detail.contains("250 ms"), step(s, Step.CUTOVER).detail);

    // What the other steps reported.
    assertEquals("mysql-bin.000003:4711", s.frozen.coordinates.toString(), "coordinates come from the copy");
    assertEquals(2, s.copy.tablesDone);
    assertTrue(s.verify.ok);
    assertTrue(s.lag.caughtUp);
    assertEquals(1, s.warnings.size(), "the preflight warning (not the info finding): " + s.warnings);
    assertTrue(s.warnings.get(0).contains("binlog_row_image"));

    // Nothing was undone; the retired undos (frozen copy released, retention restored) are done.
    assertEquals(0, fakes.journal.count("truncateTables") + fakes.journal.count("dropSchemas"));
    assertEquals(CompensationState.DONE, shadow(s, "freeze").state);
    assertEquals(CompensationState.DONE, shadow(s, "retention").state);
    assertEquals(CompensationState.PENDING, shadow(s, "copy").state);
    assertEquals(1, fakes.sourceRetentionHours, "retention put back");

    // The status query answers the same after completion.
    assertEquals(dev.migrator.model.Phase.COMPLETED, wf.status().phase);
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Approval by signal.

  @Test
  void waitsAtApproveUntilTheApproveSignal() {
    MigrationWorkflow wf = start(request());

    MigrationStatus s = awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting at approve");
    assertEquals(StepState.RUNNING, step(s, Step.APPROVE).state);
    assertTrue(s.pausedReason.startsWith("waiting for approval"), s.pausedReason);
    assertTrue(s.pausedReason.contains("migrator approve " + ID), s.pausedReason);
    assertEquals(StepState.PENDING, step(s, Step.CUTOVER).state);
    assertEquals(UP_TO_APPROVAL, fakes.journal.calls(), "nothing after catch-up runs before approval");

    wf.approve();
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(COMPLETE, fakes.journal.calls());
    assertEquals("approved", step(result.status, Step.APPROVE).detail);
    assertEquals(StepState.DONE, step(result.status, Step.FINISH).state);
    assertNull(result.status.pausedReason);
  }

  @Test
  void approvalUpdateIsRefusedWhileLagIsAboveTheThresholdAndAcceptedOnceItFalls() {
    fakes.lagSeconds.set(120);
    MigrationWorkflow wf = start(request());
    awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting at approve");

    io.temporal.client.WorkflowUpdateException refused = assertThrows(io.temporal.client.WorkflowUpdateException.class,
        () -> wf.approveCutover("alice"));
    String why = String.valueOf(refused.getCause().getMessage());
    assertTrue(why.contains("lag is 120 s") && why.contains("maxLagSecondsForApproval"), why);
    assertEquals(StepState.RUNNING, step(wf.status(), Step.APPROVE).state, "a refused approval changes nothing");

    fakes.lagSeconds.set(0);
    env.sleep(Duration.ofMinutes(6)); // the approve step refreshes lag while it waits
    assertTrue(wf.approveCutover("alice").startsWith("approved by alice"));
    MigrationResult result = result(wf);
    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals("approved by alice", step(result.status, Step.APPROVE).detail);
  }

  @Test
  void cutoverWaitsForTheWindowToOpen() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.cutover.notBefore = java.time.Instant.ofEpochMilli(env.currentTimeMillis()).plus(Duration.ofHours(3)).toString();
    r.replication.pollSeconds = 900; // replication is watched while the window is closed: a few polls
    MigrationWorkflow wf = start(r);
    MigrationStatus s = awaitStatus(wf, st -> st.pausedReason != null && st.pausedReason.contains("cutover window"),
        "waiting for the window");
    assertEquals(StepState.PENDING, step(s, Step.CUTOVER).state);
    MigrationResult result = result(wf);
    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertTrue(step(result.status, Step.CUTOVER).startedAtMillis >= Instant.parse(r.cutover.notBefore).toEpochMilli());
  }

  @Test
  void theReplicationAccountMigratorCreatedIsDroppedAtFinishUnlessKept() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    MigrationResult result = result(start(r));
    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals("dropReplicationUser(migrator_repl)", fakes.journal.calls().get(fakes.journal.calls().size() - 1));
    assertTrue(step(result.status, Step.FINISH).detail.startsWith("replication account 'migrator_repl'@'%' dropped"),
        step(result.status, Step.FINISH).detail);
  }

  @Test
  void keepAccountKeepsTheReplicationAccountAndOneThatExistedIsNeverDropped() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.replication.keepAccount = true;
    MigrationResult result = result(start(r));
    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(0, fakes.journal.count("dropReplicationUser"));
    assertTrue(step(result.status, Step.FINISH).detail.contains("kept on the source (replication.keepAccount)"),
        step(result.status, Step.FINISH).detail);
  }

  @Test
  void aReplicationAccountThatExistedBeforeIsNotDroppedAtFinish() {
    fakes.replicationUserExisted = true;
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    assertEquals(MigrationResult.COMPLETED, result(start(r)).outcome);
    assertEquals(0, fakes.journal.count("dropReplicationUser"));
  }

  @Test
  void reverseReplicationRunsThroughTheGracePeriodAndStopsBeforeFinishing() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.cutover.reverseReplication = true;
    r.cutover.gracePeriodSeconds = 3600;
    MigrationWorkflow wf = start(r);
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(concat(UP_TO_APPROVAL, List.of("awaitCatchUp()",
            "setSourceReadOnly(true)", "fenceSource()", "sourcePosition()", "waitForTargetPosition(mysql-bin.000004:900)",
            "confirmSourceStill(mysql-bin.000004:900)",
            "stopAndResetReplication()", "targetPosition()", "startReverseReplication(target-bin.000002:1234)",
            "setTargetReadOnly(false)",
            "stopReverseReplication()", "restoreRetention(1)", "releaseSchemas([shop])",
            "dropReplicationUser(migrator_repl)")),
        fakes.journal.calls());
    assertEquals("target-bin.000002", result.status.cutover.reverseFrom.file);
  }

  @Test
  void eventsMoveToTheTargetAtCutoverAndBackOnRollback() {
    fakes.enabledEvents.add("shop.nightly_cleanup");
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.cutover.gracePeriodSeconds = 3600;
    MigrationWorkflow wf = start(r);
    MigrationStatus s = awaitStatus(wf, st -> st.pausedReason != null && st.pausedReason.startsWith("grace period"),
        "in the grace period");
    List<String> calls = fakes.journal.calls();
    // off the source before it turns read-only (a read-only source refuses ALTER EVENT), on the target
    // once it is writable (super_read_only refuses it before)
    assertEquals(calls.indexOf("setSourceReadOnly(true)") - 1, calls.indexOf("setEvents(source, [shop.nightly_cleanup], false)"),
        calls.toString());
    assertEquals(calls.indexOf("setTargetReadOnly(false)") + 1, calls.indexOf("setEvents(target, [shop.nightly_cleanup], true)"),
        calls.toString());
    assertTrue(s.warnings.contains("cutover: event_scheduler is OFF on the target"), s.warnings.toString());
    assertEquals("enabled on the target, disabled on the source: [shop.nightly_cleanup]", s.cutover.events);

    wf.rollback("the nightly job misbehaves on the target");
    MigrationResult result = result(wf);
    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    calls = fakes.journal.calls();
    // off the target before it turns read-only, back on the source once it is writable again
    assertEquals(calls.indexOf("setTargetReadOnly(true)") - 1, calls.indexOf("setEvents(target, [shop.nightly_cleanup], false)"),
        calls.toString());
    assertEquals(calls.indexOf("setSourceReadOnly(false)") + 1, calls.indexOf("setEvents(source, [shop.nightly_cleanup], true)"),
        calls.toString());
    assertEquals("back on the source: enabled on the source, disabled on the target: [shop.nightly_cleanup]",
        result.status.cutover.events);
    assertAllShadowDone(result.status);
  }

  @Test
  void rollbackInTheGracePeriodDrainsReverseReplicationThenSwitchesBack() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.cutover.reverseReplication = true;
    r.cutover.gracePeriodSeconds = 3600;
    r.cutover.trafficSwitch = new dev.migrator.model.TrafficSwitch();
    r.cutover.trafficSwitch.type = "command";
    MigrationWorkflow wf = start(r);
    MigrationStatus s = awaitStatus(wf, st -> st.pausedReason != null && st.pausedReason.startsWith("grace period"),
        "in the grace period");
    assertEquals(StepState.DONE, step(s, Step.CUTOVER).state);

    wf.rollback("bad latency on the new primary");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    List<String> calls = fakes.journal.calls();
    List<String> undo = calls.subList(calls.indexOf("switchTraffic()") + 1, calls.size());
    assertEquals(List.of(
            // stop writes on the target, bring its writes home, stop, traffic back, source writable
            "setTargetReadOnly(true)", "targetPosition()", "waitForSourcePosition(target-bin.000002:1234)",
            "stopReverseReplication()", "switchTrafficBack()", "setSourceReadOnly(false)",
            "unguardTarget(false)",
            "stopAndResetReplication()", "dropReplicationUser(migrator_repl)", "truncateTables(" + TABLES + ")",
            "dropSchemas([shop])", "restoreRetention(1)"),
        undo);
    assertAllShadowDone(result.status);
  }

  @Test
  void chunkedCopyFromAFrozenCopyPausesBetweenBatchesAndResumes() throws Exception {
    MigrationRequest r = request();
    r.method = "stopped-replica";
    r.frozenReplica = new dev.migrator.model.Endpoint("replica.local", 3306, "root", null);
    r.copy.parallelism = 2;
    r.copy.chunksPerActivity = 1; // one chunk per batch: the pause lands between batches of one table
    r.cutover.autoApprove = true;
    fakes.block("copyChunks");
    MigrationWorkflow wf = start(r);
    fakes.journal.awaitCalls("copyChunks", 2);
    wf.pause("look at the target before more load");
    awaitHistory(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    // The copy runs in table-copy children (one per table here): the pause reaches them as signals.
    awaitHistoryCount(EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, 2);
    fakes.release("copyChunks");
    MigrationStatus s = awaitStatus(wf, st -> st.copy != null && st.copy.chunksDone == 2, "two batches done");
    env.sleep(Duration.ofMinutes(5));
    assertEquals(2L, fakes.journal.count("copyChunks"), "no new batch starts while paused: " + fakes.journal.calls());
    assertEquals(6, s.copy.chunksTotal);

    wf.resume();
    MigrationResult result = result(wf);
    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(6, result.status.copy.chunksDone);
    assertEquals(60, result.status.copy.rows);
    assertEquals(2, result.status.copy.tablesDone);
  }

  @Test
  void rollbackWithKeepTargetLeavesTheTargetDataButUndoesReplication() {
    MigrationRequest r = request();
    r.rollbackTarget = "keep";
    MigrationWorkflow wf = start(r);
    awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting at approve");
    wf.rollback("inspect the target");
    MigrationResult result = result(wf);
    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    assertEquals(0L, fakes.journal.count("dropSchemas"));
    assertEquals(0L, fakes.journal.count("truncateTables"));
    assertEquals(1L, fakes.journal.count("dropReplicationUser"));
    assertTrue(fakes.journal.count("stopAndResetReplication") >= 1);
    assertAllShadowDone(result.status);
  }

  @Test
  void approvalSignalIsRefusedLikeTheUpdateWhileReplicationHasNotReportedYet() {
    fakes.block("awaitCatchUp");
    MigrationWorkflow wf = start(request());
    awaitCall("awaitCatchUp");
    wf.approve(); // before any lag reading: the gate refuses it, as it refuses the update
    MigrationStatus refused = awaitStatus(wf, st -> st.approvalRefused != null, "the refusal in the status");
    assertTrue(refused.approvalRefused.startsWith("approve signal refused: replication has not started yet"),
        refused.approvalRefused);
    fakes.release("awaitCatchUp");
    awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting at approve");
    wf.approve();

    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(COMPLETE, fakes.journal.calls());
    assertNull(result.status.approvalRefused);
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Rollback while waiting for approval.

  @Test
  void rollbackWhileWaitingForApprovalUndoesInReverseOrder() {
    MigrationWorkflow wf = start(request());
    MigrationStatus waiting = awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting at approve");
    assertEquals(List.of("retention", "freeze", "schema", "copy", "replicate", "replicate", "replicate"),
        waiting.shadow.stream().map(c -> c.step).toList(), "registration order");

    wf.rollback("operator changed their mind");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    assertEquals(concat(UP_TO_APPROVAL, UNDO_AT_APPROVAL), fakes.journal.calls());
    MigrationStatus s = result.status;
    assertEquals(dev.migrator.model.Phase.ROLLED_BACK, s.phase);
    assertEquals(7, s.shadow.size());
    assertAllShadowDone(s);
    assertEquals(StepState.FAILED, step(s, Step.APPROVE).state);
    assertEquals("interrupted by rollback", step(s, Step.APPROVE).detail);
    assertEquals(StepState.PENDING, step(s, Step.CUTOVER).state);
    assertEquals(0, fakes.journal.count("setSourceReadOnly"), "the source was never made read-only");
    assertNull(s.pausedReason);
  }

  @Test
  void rollbackNeverDropsAReplicationAccountThatExistedBefore() {
    fakes.replicationUserExisted = true;
    MigrationWorkflow wf = start(request());
    awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting at approve");

    wf.rollback("no");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    assertEquals(0, fakes.journal.count("dropReplicationUser"));
    List<String> undo = new ArrayList<>(UNDO_AT_APPROVAL);
    undo.remove("dropReplicationUser(migrator_repl)");
    assertEquals(concat(UP_TO_APPROVAL, undo), fakes.journal.calls());
    assertEquals(6, result.status.shadow.size());
    assertAllShadowDone(result.status);
  }

  // ---------------------------------------------------------------------------------------------
  // 4. A failing step whose policy is rollback.

  @Test
  void failingVerifyWithRollbackPolicyFailsTheWorkflowAfterUndoing() {
    MigrationRequest r = request();
    r.onFailure = "rollback";
    fakes.fail("verify");
    MigrationWorkflow wf = start(r);

    ApplicationFailure af = failure(wf);

    assertEquals("MigrationFailed", af.getType());
    assertTrue(af.getOriginalMessage().contains("verify failed"), af.getOriginalMessage());
    assertTrue(af.getOriginalMessage().contains("injected failure in verify"), af.getOriginalMessage());
    assertTrue(af.isNonRetryable());
    assertEquals(List.of(
            "preflight()", "readRetention()", "ensureRetention(1)", "freeze(" + ID + ")", "createSchema([shop])",
            "copyLiveConsistent(" + TABLES + ")", "verify(2)",
            // undo, last registered first
            "truncateTables(" + TABLES + ")", "dropSchemas([shop])", "releaseFrozenCopy(" + ID + ")",
            "restoreRetention(1)"),
        fakes.journal.calls());

    MigrationStatus s = wf.status();
    assertEquals(dev.migrator.model.Phase.FAILED, s.phase);
    assertTrue(s.error.contains("verify failed"), s.error);
    assertEquals(StepState.FAILED, step(s, Step.VERIFY).state);
    assertEquals(1, step(s, Step.VERIFY).attempts);
    assertEquals(StepState.PENDING, step(s, Step.RELEASE).state);
    assertEquals(4, s.shadow.size());
    assertAllShadowDone(s);
  }

  @Test
  void checksumMismatchWithRollbackPolicyFailsTheWorkflowAfterUndoing() {
    MigrationRequest r = request();
    r.onFailure = "rollback";
    fakes.verifyMismatch = true;
    MigrationWorkflow wf = start(r);

    ApplicationFailure af = failure(wf);

    assertEquals("MigrationFailed", af.getType());
    assertTrue(af.getOriginalMessage().contains("verification failed: 2 of 2 tables differ"), af.getOriginalMessage());
    List<String> calls = fakes.journal.calls();
    assertEquals(List.of("truncateTables(" + TABLES + ")", "dropSchemas([shop])", "releaseFrozenCopy(" + ID + ")",
        "restoreRetention(1)"), calls.subList(calls.indexOf("verify(2)") + 1, calls.size()));
    assertFalse(wf.status().verify.ok);
  }

  // ---------------------------------------------------------------------------------------------
  // 5. onFailure = pause (the default): operator decides.

  @Test
  void failingCopyPausesAndRetryCompletes() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.fail("copyLiveConsistent");
    MigrationWorkflow wf = start(r);

    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused on the copy failure");
    assertEquals(dev.migrator.model.Phase.PAUSED, s.phase);
    assertEquals("copy", s.currentStep);
    assertTrue(s.pausedReason.contains("copy"), s.pausedReason);
    assertTrue(s.pausedReason.contains("injected failure in copyLiveConsistent"), s.pausedReason);
    assertTrue(s.allowedDecisions.contains(dev.migrator.model.Decision.parse("retry")), s.allowedDecisions.toString());
    assertTrue(s.allowedDecisions.contains(dev.migrator.model.Decision.parse("rollback")), s.allowedDecisions.toString());
    assertFalse(s.allowedDecisions.contains(dev.migrator.model.Decision.parse("skip")), "skipping the copy would lose data");
    assertEquals(StepState.PAUSED, step(s, Step.COPY).state);
    assertEquals(1, fakes.journal.count("copyLiveConsistent"));
    assertEquals(0, fakes.journal.count("verify"));

    fakes.succeed("copyLiveConsistent");
    wf.decide("retry");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    List<String> expected = new ArrayList<>(COMPLETE);
    expected.add(expected.indexOf("verify(2)"), "copyLiveConsistent(" + TABLES + ")"); // the retry
    assertEquals(expected, fakes.journal.calls());
    assertEquals(2, step(result.status, Step.COPY).attempts);
    assertEquals(StepState.DONE, step(result.status, Step.COPY).state);
    assertFalse(result.status.paused);
    assertTrue(result.status.allowedDecisions.isEmpty());
    assertEquals(0, fakes.journal.count("truncateTables"));
  }

  @Test
  void searchAttributesFollowPhaseStepAndPause() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.fail("copyLiveConsistent");
    MigrationWorkflow wf = start(r);

    awaitStatus(wf, st -> st.paused, "paused on the copy failure");
    SearchAttributes sa = WorkflowStub.fromTyped(wf).describe().getTypedSearchAttributes();
    assertEquals("paused", sa.get(MigrationSearchAttributes.PHASE));
    assertEquals(Boolean.TRUE, sa.get(MigrationSearchAttributes.PAUSED));
    assertEquals("copy", sa.get(MigrationSearchAttributes.STEP));
    assertTrue(sa.get(MigrationSearchAttributes.PAUSED_REASON).contains("injected failure"));
    assertEquals(r.source.host + ":" + r.source.port, sa.get(MigrationSearchAttributes.SOURCE));
    assertEquals(r.target.host + ":" + r.target.port, sa.get(MigrationSearchAttributes.TARGET));
    assertEquals(Boolean.FALSE, sa.get(MigrationSearchAttributes.REHEARSAL));

    fakes.succeed("copyLiveConsistent");
    wf.decide("retry");
    assertEquals(MigrationResult.COMPLETED, result(wf).outcome);
    sa = WorkflowStub.fromTyped(wf).describe().getTypedSearchAttributes();
    assertEquals("completed", sa.get(MigrationSearchAttributes.PHASE));
    assertEquals(Boolean.FALSE, sa.get(MigrationSearchAttributes.PAUSED));
    assertFalse(sa.containsKey(MigrationSearchAttributes.PAUSED_REASON));
    assertFalse(sa.containsKey(MigrationSearchAttributes.STEP));
  }

  @Test
  void failingCopyPausesAndRollbackDecisionUndoes() {
    fakes.fail("copyLiveConsistent");
    MigrationWorkflow wf = start(request());
    awaitStatus(wf, st -> st.paused, "paused on the copy failure");

    wf.decide("rollback");
    ApplicationFailure af = failure(wf);

    assertEquals("MigrationFailed", af.getType());
    assertTrue(af.getOriginalMessage().contains("operator chose rollback"), af.getOriginalMessage());
    assertEquals(List.of(
            "preflight()", "readRetention()", "ensureRetention(1)", "freeze(" + ID + ")", "createSchema([shop])",
            "copyLiveConsistent(" + TABLES + ")",
            "truncateTables(" + TABLES + ")", "dropSchemas([shop])", "releaseFrozenCopy(" + ID + ")",
            "restoreRetention(1)"),
        fakes.journal.calls());
    MigrationStatus s = wf.status();
    assertEquals(dev.migrator.model.Phase.FAILED, s.phase);
    assertFalse(s.paused);
    assertEquals(StepState.FAILED, step(s, Step.COPY).state);
    assertEquals(4, s.shadow.size());
    assertAllShadowDone(s);
  }

  @Test
  void rollbackSignalWhilePausedOnAFailureUndoes() {
    fakes.fail("copyLiveConsistent");
    MigrationWorkflow wf = start(request());
    awaitStatus(wf, st -> st.paused, "paused on the copy failure");

    wf.rollback("give up");
    failure(wf);

    List<String> calls = fakes.journal.calls();
    assertEquals(List.of("truncateTables(" + TABLES + ")", "dropSchemas([shop])", "releaseFrozenCopy(" + ID + ")",
        "restoreRetention(1)"), calls.subList(calls.indexOf("copyLiveConsistent(" + TABLES + ")") + 1, calls.size()));
    assertAllShadowDone(wf.status());
  }

  @Test
  void decisionNotAllowedForTheStepIsIgnored() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.fail("copyLiveConsistent");
    MigrationWorkflow wf = start(r);
    awaitStatus(wf, st -> st.paused, "paused on the copy failure");

    wf.decide("skip"); // not allowed for the copy
    wf.decide("frobnicate");
    // A query after the signals sees them processed: still paused on the same attempt.
    MigrationStatus s = wf.status();
    assertTrue(s.paused);
    assertEquals(1, fakes.journal.count("copyLiveConsistent"));
    assertEquals(StepState.PAUSED, step(s, Step.COPY).state);

    fakes.succeed("copyLiveConsistent");
    wf.decide(" Retry ");
    assertEquals(MigrationResult.COMPLETED, result(wf).outcome);
  }

  @Test
  void failingVerifyMayBeSkipped() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.fail("verify");
    MigrationWorkflow wf = start(r);
    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused on the verify failure");
    assertEquals(List.of("retry", "rollback", "skip"), dev.migrator.model.Decision.wires(s.allowedDecisions));

    wf.decide("skip");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(StepState.SKIPPED, step(result.status, Step.VERIFY).state);
    assertTrue(result.status.warnings.stream().anyMatch(w -> w.contains("verify was skipped")),
        result.status.warnings.toString());
    // A skipped verify also skips its post-load objects (triggers, deferred indexes), and says so.
    assertTrue(result.status.warnings.stream().anyMatch(w -> w.contains("triggers and deferred secondary indexes")),
        result.status.warnings.toString());
    List<String> expected = new ArrayList<>(COMPLETE);
    expected.remove("createPostLoadObjects([shop])");
    assertEquals(expected, fakes.journal.calls());
  }

  @Test
  void replicationErrorDuringCatchUpPausesWithTheDiagnosisAndRetryCompletes() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.lagErrorsLeft.set(1);
    MigrationWorkflow wf = start(r);

    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused on the replication error");
    assertEquals("catch-up", s.currentStep);
    assertTrue(s.pausedReason.contains("duplicate-key"), s.pausedReason);
    assertTrue(s.pausedReason.contains("row 42 of shop.orders"), s.pausedReason);
    assertEquals(List.of("retry", "skip", "rebuild", "rollback"), dev.migrator.model.Decision.wires(s.allowedDecisions));
    assertEquals(dev.migrator.model.ReplicationErrorKind.DUPLICATE_KEY, s.lag.errorKind, "the status shows the failing reading");

    wf.decide("retry");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(3, fakes.journal.count("awaitCatchUp"), "two catch-up polls and the reading before the cutover");
    assertEquals(1, fakes.journal.count("resumeReplication"), "retry starts the replication threads again");
    assertEquals(2, step(result.status, Step.CATCH_UP).attempts);
    assertTrue(result.status.lag.caughtUp);
  }

  @Test
  void skipOnADuplicateKeySkipsOneEventAndRecordsADriftWarning() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.lagErrorsLeft.set(1);
    MigrationWorkflow wf = start(r);

    awaitStatus(wf, st -> st.paused, "paused on the replication error");
    wf.decide("next-log"); // not offered for a duplicate key: ignored
    wf.decide("skip");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(1, fakes.journal.count("skipReplicationEvent"));
    assertEquals(0, fakes.journal.count("moveToNextLog"));
    assertTrue(result.status.warnings.stream().anyMatch(w -> w.contains("data drift") && w.contains("Duplicate entry")),
        result.status.warnings.toString());
  }

  @Test
  void impossiblePositionOffersNextLogWhichMovesReplicationOn() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.lagErrorKind = "impossible-position";
    fakes.lagErrorsLeft.set(1);
    MigrationWorkflow wf = start(r);

    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused on the replication error");
    assertEquals(List.of("retry", "next-log", "rebuild", "rollback"), dev.migrator.model.Decision.wires(s.allowedDecisions));
    assertEquals(StepState.PAUSED, step(s, Step.CATCH_UP).state);
    wf.decide("skip"); // not offered: ignored
    wf.decide("next-log");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(1, fakes.journal.count("moveToNextLog"));
    assertEquals(0, fakes.journal.count("skipReplicationEvent"));
    assertTrue(result.status.warnings.stream().anyMatch(w -> w.contains("next binlog (mysql-bin.000004:4)")),
        result.status.warnings.toString());
  }

  @Test
  void logPurgedOffersRebuildWhichUndoesAndRedoesSchemaCopyVerifyReplicate() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.lagErrorKind = "log-purged";
    fakes.lagErrorsLeft.set(1);
    MigrationWorkflow wf = start(r);

    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused on the replication error");
    assertEquals(List.of("retry", "rebuild", "rollback"), dev.migrator.model.Decision.wires(s.allowedDecisions));
    assertTrue(s.pausedReason.contains("log-purged"), s.pausedReason);
    wf.decide("rebuild");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    List<String> rebuild = List.of(
        "unguardTarget(false)",                 // undo 9, last registered first
        "stopAndResetReplication()",
        "dropReplicationUser(migrator_repl)",
        "truncateTables(" + TABLES + ")",        // undo 6
        "dropSchemas([shop])");                  // undo 4 (freeze was already released and retired)
    List<String> expected = new ArrayList<>(UP_TO_APPROVAL);
    expected.addAll(rebuild);
    expected.addAll(UP_TO_APPROVAL.subList(UP_TO_APPROVAL.indexOf("freeze(" + ID + ")"), UP_TO_APPROVAL.size()));
    expected.addAll(CUTOVER_AND_FINISH);
    assertEquals(expected, fakes.journal.calls());
    for (StepState st : result.status.steps) {
      dev.migrator.model.StepStatus want = st.number == Step.ACCOUNTS.number ? StepState.SKIPPED : StepState.DONE;
      assertEquals(want, st.state, "state of step " + st.name);
    }
    assertTrue(result.status.warnings.stream().anyMatch(w -> w.contains("rebuild 1 chosen after log-purged")),
        result.status.warnings.toString());
  }

  @Test
  void rollbackDecisionOnAReplicationErrorRollsBackEverything() {
    MigrationRequest r = request();
    fakes.lagErrorKind = "access-denied";
    fakes.lagErrorsLeft.set(1);
    MigrationWorkflow wf = start(r);

    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused on the replication error");
    assertEquals(List.of("retry", "rollback"), dev.migrator.model.Decision.wires(s.allowedDecisions));
    wf.decide("rollback");
    ApplicationFailure f = failure(wf);

    assertTrue(f.getOriginalMessage().contains("access-denied"), f.getOriginalMessage());
    MigrationStatus end = wf.status();
    assertEquals(dev.migrator.model.Phase.FAILED, end.phase);
    assertEquals(StepState.FAILED, step(end, Step.CATCH_UP).state);
    assertAllShadowDone(end);
  }

  /**
   * Days of catch-up must not grow the migration's history without bound: the catch-up child
   * continues as new every pollsPerRun polls, and reports to the parent at most every
   * lagReportSeconds. Three simulated days of polls every 30 minutes (test-service time skipping).
   */
  @Test
  void daysOfCatchUpKeepBothHistoriesBounded() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.replication.pollSeconds = 1800;
    r.replication.pollsPerRun = 20;
    r.replication.lagReportSeconds = 4 * 3600;
    int polls = 3 * 24 * 2; // three days
    fakes.behindPollsLeft.set(polls);
    fakes.lagSecondsAt = n -> 200_000 - n * 1000; // falling: 48 s of lag per 30 min
    MigrationWorkflow wf = start(r);

    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(polls + 2, fakes.journal.count("awaitCatchUp"), "the child's polls and one reading before the cutover");
    int parentEvents = client.fetchHistory("wf-" + ID).getEvents().size();
    // Reports: at most one per 4 h of the 72 h, each a signal plus a workflow task (4 events).
    int reports = 72 / 4 + 1;
    // 190: the checklist's own activities and markers, independent of the number of polls.
    assertTrue(parentEvents < 190 + 4 * reports,
        "parent history " + parentEvents + " events for " + polls + " polls");
    var parentHistory = client.fetchHistory("wf-" + ID).getEvents();
    long signals = parentHistory.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).count();
    long activities = parentHistory.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .filter(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("AwaitCatchUp")).count();
    long children = parentHistory.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED).count();
    assertTrue(signals <= reports, signals + " lag reports for " + polls + " polls");
    assertEquals(1, activities, "no poll runs in the parent but the one reading right before the cutover");
    assertEquals(1, children, "one catch-up child (which continues as new)");

    // Walk the child's runs backwards through continuedExecutionRunId: each run's history is bounded.
    String childId = "wf-" + ID + "-catch-up-1";
    var history = client.fetchHistory(childId);
    int runs = 0;
    while (true) {
      runs++;
      int events = history.getEvents().size();
      assertTrue(events <= 12 * r.replication.pollsPerRun + 20, "child run with " + events + " events");
      String previous = history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes()
          .getContinuedExecutionRunId();
      if (previous.isEmpty()) break;
      history = client.fetchHistory(childId, previous);
    }
    assertEquals((polls + 1 + r.replication.pollsPerRun - 1) / r.replication.pollsPerRun, runs, "runs of the child");
    assertTrue(result.status.lag.caughtUp);
    assertEquals(polls + 1, result.status.lag.catchUpPolls);
  }

  @Test
  void aSourceOutageDuringCatchUpIsInTheStatusUntilReplicationReadsHealthyAgain() throws Exception {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.replication.lagReportSeconds = 0; // report every reading
    String note = "source unreachable for 40 s (the target's IO thread gets ERROR 2003, connecting again);"
        + " replication retries every 5 s";
    fakes.behindPollsLeft.set(1);
    fakes.behindNote = note;
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    fakes.beforeCaughtUp = gate;
    MigrationWorkflow wf = start(r);
    MigrationStatus s = awaitStatus(wf, st -> st.replicationNote != null, "the outage in the status");
    assertEquals(note, s.replicationNote);
    assertTrue(step(s, Step.CATCH_UP).detail.contains(note), step(s, Step.CATCH_UP).detail);
    gate.countDown();
    MigrationResult result = result(wf);
    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertNull(result.status.replicationNote, "gone once replication reads healthy again");
  }

  @Test
  void lagThatDoesNotFallIsReportedAsAWarningWithTheTrend() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.replication.pollSeconds = 600;
    r.replication.lagReportSeconds = 0; // report every reading
    fakes.behindPollsLeft.set(6);
    fakes.lagSecondsAt = n -> 3600 + n * 60; // growing
    MigrationWorkflow wf = start(r);

    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertTrue(result.status.warnings.stream().anyMatch(w -> w.contains("lag is not falling")),
        result.status.warnings.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // Retention: the value found before the migration is the one put back.

  @Test
  void completedMigrationPutsBackTheRetentionFoundBefore() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.retentionHours = 48;
    fakes.sourceRetentionHours = 7;

    MigrationResult result = result(start(r));

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(7, fakes.sourceRetentionHours);
  }

  @Test
  void retryingRetentionAfterAPartialChangeStillPutsBackTheOriginalValue() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.retentionHours = 48;
    fakes.sourceRetentionHours = 7;
    fakes.fail("ensureRetention"); // the fake applies 48 hours, then fails
    MigrationWorkflow wf = start(r);
    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused on the retention failure");
    assertEquals("retention", s.currentStep);
    assertEquals(48, fakes.sourceRetentionHours, "the failed attempt did change the source");

    fakes.succeed("ensureRetention");
    wf.decide("retry");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(7, fakes.sourceRetentionHours, "finish must restore the value found before the first attempt");
    assertEquals(1, fakes.journal.count("readRetention"), "retention is read once, before any change");
    assertEquals(1, result.status.shadow.stream().filter(c -> c.step.equals("retention")).count(),
        "one undo for the retention step");
  }

  @Test
  void retryingRetentionThenRollingBackPutsBackTheOriginalValue() {
    fakes.sourceRetentionHours = 7;
    fakes.fail("ensureRetention");
    MigrationWorkflow wf = start(request());
    awaitStatus(wf, st -> st.paused, "paused on the retention failure");
    fakes.succeed("ensureRetention");
    wf.decide("retry");
    awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting at approve");

    wf.rollback("no");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    assertEquals(7, fakes.sourceRetentionHours);
    assertAllShadowDone(result.status);
  }

  @Test
  void skippingAFailedRetentionStepStillFinishes() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.fail("readRetention");
    MigrationWorkflow wf = start(r);
    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused on the retention failure");
    assertEquals("retention", s.currentStep);
    assertTrue(s.allowedDecisions.contains(dev.migrator.model.Decision.parse("skip")), s.allowedDecisions.toString());

    wf.decide("skip");
    MigrationStatus end = awaitStatus(wf, st -> st.paused || dev.migrator.model.Phase.COMPLETED == st.phase, "completed or paused");

    assertEquals(dev.migrator.model.Phase.COMPLETED, end.phase, "paused at " + end.currentStep + ": " + end.pausedReason);
    assertEquals(StepState.SKIPPED, step(end, Step.RETENTION).state);
    assertEquals(StepState.DONE, step(end, Step.FINISH).state);
    assertEquals(0, fakes.journal.count("ensureRetention"));
    assertEquals(1, fakes.sourceRetentionHours, "untouched");
    assertTrue(end.warnings.stream().anyMatch(w -> w.contains("retention was skipped")), end.warnings.toString());
    assertEquals(MigrationResult.COMPLETED, result(wf).outcome);
  }

  @Test
  void skippingRetentionAfterAPartialChangeStillPutsBackTheOriginalValue() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    r.retentionHours = 48;
    fakes.sourceRetentionHours = 7;
    fakes.fail("ensureRetention"); // the fake applies 48 hours, then fails
    MigrationWorkflow wf = start(r);
    awaitStatus(wf, st -> st.paused, "paused on the retention failure");
    assertEquals(48, fakes.sourceRetentionHours);

    wf.decide("skip");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(StepState.SKIPPED, step(result.status, Step.RETENTION).state);
    assertEquals(7, fakes.sourceRetentionHours, "finish must put back the value read before the change");
    List<String> calls = fakes.journal.calls();
    assertEquals("restoreRetention(7)", calls.get(calls.size() - 3));
  }

  // ---------------------------------------------------------------------------------------------
  // Rollback while a step is running.

  @Test
  void rollbackDuringTheCopyUndoesTheCopyToo() throws Exception {
    fakes.block("copyLiveConsistent");
    MigrationWorkflow wf = start(request());
    fakes.journal.awaitCalls("copyLiveConsistent", 1);

    wf.rollback("wrong target");
    awaitHistory(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
    fakes.release("copyLiveConsistent");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    assertEquals(List.of(
            "preflight()", "readRetention()", "ensureRetention(1)", "freeze(" + ID + ")", "createSchema([shop])",
            "copyLiveConsistent(" + TABLES + ")",
            "truncateTables(" + TABLES + ")", "dropSchemas([shop])", "releaseFrozenCopy(" + ID + ")",
            "restoreRetention(1)"),
        fakes.journal.calls());
    assertEquals(StepState.PENDING, step(result.status, Step.VERIFY).state);
    assertAllShadowDone(result.status);
  }

  @Test
  void rollbackDuringTheCutoverSwitchesBackFirst() throws Exception {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.block("waitForTargetPosition");
    MigrationWorkflow wf = start(r);
    fakes.journal.awaitCalls("waitForTargetPosition", 1);

    wf.rollback("drain too slow");
    awaitHistory(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
    fakes.release("waitForTargetPosition");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    assertEquals(concat(UP_TO_APPROVAL, List.of("awaitCatchUp()",
            "setSourceReadOnly(true)", "fenceSource()", "sourcePosition()", "waitForTargetPosition(mysql-bin.000004:900)",
            // undo: switch back (source writable again) before anything else; the rollback, not the
            // failed-cutover restore, does it
            "setTargetReadOnly(true)", "setSourceReadOnly(false)",
            "unguardTarget(false)", "stopAndResetReplication()", "dropReplicationUser(migrator_repl)", "truncateTables(" + TABLES + ")",
            "dropSchemas([shop])", "restoreRetention(1)")),
        fakes.journal.calls());
    assertEquals(0, fakes.journal.count("setTargetReadOnly(false)"), "the target never became writable");
    assertAllShadowDone(result.status);
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Invalid request.

  @Test
  void invalidRequestFailsAtOnceWithoutEchoingALiteralPassword() {
    MigrationRequest r = request();
    r.schemas.clear();
    r.source.password = "hunter2";
    MigrationWorkflow wf = start(r);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> WorkflowStub.fromTyped(wf)
        .getResult(MigrationResult.class));
    ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, e.getCause());

    assertEquals("InvalidRequest", af.getType());
    assertTrue(af.isNonRetryable());
    assertTrue(af.getOriginalMessage().contains("schemas is empty"), af.getOriginalMessage());
    assertTrue(af.getOriginalMessage().contains("source.password must be a reference"), af.getOriginalMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains("hunter2"), "leaked in " + t);
    }
    assertTrue(fakes.journal.calls().isEmpty(), "no activity runs for an invalid request");

    MigrationStatus s = wf.status();
    assertEquals(dev.migrator.model.Phase.FAILED, s.phase);
    assertFalse(s.error.contains("hunter2"));
    assertEquals(StepState.FAILED, step(s, Step.VALIDATE).state);
    assertFalse(step(s, Step.VALIDATE).detail.contains("hunter2"));
    assertEquals(StepState.PENDING, step(s, Step.PREFLIGHT).state);
    assertTrue(s.shadow.isEmpty());
  }

  // ---------------------------------------------------------------------------------------------
  // 7. Pause / resume at a step boundary.

  @Test
  void pauseHoldsAtTheNextStepBoundaryUntilResume() throws Exception {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.block("preflight");
    MigrationWorkflow wf = start(r);
    fakes.journal.awaitCalls("preflight", 1);

    wf.pause("change freeze");
    fakes.release("preflight");

    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused at a step boundary");
    assertEquals(dev.migrator.model.Phase.PAUSED, s.phase);
    assertEquals("retention", s.currentStep);
    assertEquals("change freeze", s.pausedReason);
    assertEquals(StepState.DONE, step(s, Step.PREFLIGHT).state);
    assertEquals(StepState.PENDING, step(s, Step.RETENTION).state);
    assertEquals(List.of("preflight()"), fakes.journal.calls(), "nothing runs while paused");
    // Still held after the query round trip.
    assertTrue(wf.status().paused);
    assertEquals(List.of("preflight()"), fakes.journal.calls());

    wf.resume();
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(COMPLETE, fakes.journal.calls());
    assertFalse(result.status.paused);
    assertNull(result.status.pausedReason);
  }

  @Test
  void rollbackWhilePausedAtABoundaryUndoes() throws Exception {
    fakes.block("copyLiveConsistent");
    MigrationWorkflow wf = start(request());
    fakes.journal.awaitCalls("copyLiveConsistent", 1);
    wf.pause(null);
    fakes.release("copyLiveConsistent");
    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused before verify");
    assertEquals("verify", s.currentStep);
    assertEquals("paused by operator", s.pausedReason);

    wf.rollback(null);
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    List<String> calls = fakes.journal.calls();
    assertEquals(List.of("truncateTables(" + TABLES + ")", "dropSchemas([shop])", "releaseFrozenCopy(" + ID + ")",
        "restoreRetention(1)"), calls.subList(calls.indexOf("copyLiveConsistent(" + TABLES + ")") + 1, calls.size()));
    assertEquals(0, fakes.journal.count("verify"));
    assertAllShadowDone(result.status);
  }

  // ---------------------------------------------------------------------------------------------
  // 8. Rehearsal.

  @Test
  void rehearsalApprovesItselfAndRollsEverythingBack() {
    MigrationRequest r = request();
    r.rehearsal = true;
    MigrationWorkflow wf = start(r);

    MigrationResult result = result(wf);

    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    MigrationStatus s = result.status;
    assertEquals(dev.migrator.model.Phase.ROLLED_BACK, s.phase);
    assertEquals("rehearsal: approved itself", step(s, Step.APPROVE).detail);
    List<String> run = new ArrayList<>(COMPLETE);
    run.remove("releaseSchemas([shop])"); // a rehearsal keeps ownership: its rollback drops the schemas
    run.remove("dropReplicationUser(migrator_repl)"); // ... and the replication account
    assertEquals(concat(run, List.of(
            // switch back first (cutover registered its undo last) ...
            "setTargetReadOnly(true)", "setSourceReadOnly(false)",
            // ... then replication, copy, schema; freeze and retention were already reverted forward
            "unguardTarget(false)", "stopAndResetReplication()", "dropReplicationUser(migrator_repl)",
            "truncateTables(" + TABLES + ")", "dropSchemas([shop])")),
        fakes.journal.calls());
    assertEquals(List.of("retention", "freeze", "schema", "copy", "replicate", "replicate", "replicate", "cutover"),
        s.shadow.stream().map(c -> c.step).toList());
    assertAllShadowDone(s);
    for (StepState st : s.steps) {
      assertEquals(st.number == Step.ACCOUNTS.number ? StepState.SKIPPED : StepState.DONE, st.state, st.name);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Cancellation is a rollback too.

  @Test
  void cancellingTheWorkflowWhileWaitingForApprovalRollsBack() {
    MigrationWorkflow wf = start(request());
    awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting at approve");

    WorkflowStub stub = WorkflowStub.fromTyped(wf);
    stub.cancel();
    try {
      stub.getResult(MigrationResult.class);
    } catch (RuntimeException expected) {
      // Either outcome is acceptable for the client; what matters is the undo below.
    }

    assertEquals(concat(UP_TO_APPROVAL, UNDO_AT_APPROVAL), fakes.journal.calls());
    MigrationStatus s = wf.status();
    assertEquals(dev.migrator.model.Phase.ROLLED_BACK, s.phase);
    assertAllShadowDone(s);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  private static MigrationRequest request() {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = ID;
    r.source = new Endpoint("source.example", 3306, "admin", "env:SOURCE_DB_PASSWORD");
    r.target = new Endpoint("target.example", 3306, "admin", "env:TARGET_DB_PASSWORD");
    r.schemas.add("shop");
    r.replication.password = "env:REPL_PASSWORD";
    return r;
  }

  private MigrationWorkflow start(MigrationRequest r) {
    MigrationWorkflow wf = client.newWorkflowStub(MigrationWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("wf-" + ID).build());
    WorkflowClient.start(wf::run, r);
    return wf;
  }

  private static MigrationResult result(MigrationWorkflow wf) {
    return WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);
  }

  /** The ApplicationFailure the workflow failed with. */
  private static ApplicationFailure failure(MigrationWorkflow wf) {
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> result(wf));
    return assertInstanceOf(ApplicationFailure.class, e.getCause());
  }

  /**
   * Polls the status query until {@code condition} holds. Between polls the test service's clock
   * moves (env.sleep); the wall-clock guard only turns a hang into a readable failure.
   */
  private MigrationStatus awaitStatus(MigrationWorkflow wf, Predicate<MigrationStatus> condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    MigrationStatus s;
    while (!condition.test(s = wf.status())) {
      if (System.nanoTime() > deadline) {
        fail("never reached: " + what + "; phase=" + s.phase + " step=" + s.currentStep
            + " journal=" + fakes.journal.calls());
      }
      env.sleep(Duration.ofMillis(10));
    }
    return s;
  }

  /**
   * Waits until the workflow's history holds an event of this type. Used to release a blocked
   * activity only after the workflow has requested its cancellation: releasing it earlier races the
   * cancel command against the completion, which the in-memory test service does not resolve
   * (it rejects the workflow task with ACTIVITY_UNKNOWN and the run stalls), unlike a real server.
   */
  private void awaitHistory(EventType type) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (client.fetchHistory("wf-" + ID).getEvents().stream().noneMatch(e -> e.getEventType() == type)) {
      if (System.nanoTime() > deadline) {
        fail("no " + type + " in the history; journal=" + fakes.journal.calls());
      }
      env.sleep(Duration.ofMillis(10));
    }
  }

  private void awaitHistoryCount(EventType type, long count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (client.fetchHistory("wf-" + ID).getEvents().stream().filter(e -> e.getEventType() == type).count() < count) {
      if (System.nanoTime() > deadline) {
        fail("fewer than " + count + " " + type + " in the history; journal=" + fakes.journal.calls());
      }
      env.sleep(Duration.ofMillis(10));
    }
  }

  private void awaitCall(String method) {
    try {
      fakes.journal.awaitCalls(method, 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static StepState step(MigrationStatus s, Step step) {
    return s.steps.stream().filter(st -> st.number == step.number).findFirst().orElseThrow();
  }

  private static CompensationState shadow(MigrationStatus s, String step) {
    return s.shadow.stream().filter(c -> c.step.equals(step)).findFirst().orElseThrow();
  }

  private static void assertAllShadowDone(MigrationStatus s) {
    assertFalse(s.shadow.isEmpty(), "shadow checklist is empty");
    for (CompensationState c : s.shadow) {
      assertEquals(CompensationState.DONE, c.state, "undo '" + c.action + "' of step " + c.step + ": " + c.detail);
    }
    assertFalse(s.warnings.stream().anyMatch(w -> w.contains("compensation")), s.warnings.toString());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableList());
  }
}
