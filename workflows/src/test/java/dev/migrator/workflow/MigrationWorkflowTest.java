package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.CompensationState;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.api.enums.v1.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checklist straight through: order of every activity call, approval by signal and update, the
 * cutover window, reverse replication, events, a frozen copy's chunked copy.
 * (MigrationWorkflowImpl on the in-memory test service, fake activities.)
 */
class MigrationWorkflowTest extends WorkflowTestBase {
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
    assertEquals(CompensationState.RETIRED, shadow(s, "copy").state, "never to run: the migration completed");
    assertEquals(1, fakes.sourceRetentionHours, "retention put back");

    // The status query answers the same after completion.
    assertEquals(dev.migrator.model.Phase.COMPLETED, wf.status().phase);
  }

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
  void aReplicationAccountTheReadOnlySourceRefusesToDropIsLeftWithAWarningAndTheMigrationCompletes() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    fakes.fail("dropReplicationUser"); // as MySQL's super_read_only refuses DROP USER (ERROR 1290)
    MigrationResult result = result(start(r));
    assertEquals(MigrationResult.COMPLETED, result.outcome, String.valueOf(result.status.error));
    String detail = step(result.status, Step.FINISH).detail;
    assertTrue(detail.startsWith("replication account 'migrator_repl'@'%' left on the source"), detail);
    assertTrue(detail.contains("DROP USER 'migrator_repl'@'%'"), detail);
    assertTrue(result.status.warnings.stream().anyMatch(w -> w.startsWith("finish: replication account")),
        result.status.warnings.toString());
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
}
