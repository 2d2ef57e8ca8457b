package dev.migrator.workflow;

import static dev.migrator.workflow.WorkflowTestKit.result;
import static dev.migrator.workflow.WorkflowTestKit.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Nothing lost, nothing destroyed" in the workflow: findings that protect data cannot be
 * skipped; the cutover proves the source stood still and, when it moved, makes it writable again
 * and offers kill-and-retry; a cutover that fails after replication was stopped goes on from where
 * it was; the approval wait watches replication and one gate refuses signal and update alike.
 */
class NothingLostWorkflowTest extends WorkflowTestBase {
  /** How often exactly this call (method and arguments) was made. */
  private long times(String call) {
    return fakes.journal.calls().stream().filter(call::equals).count();
  }

  @Test
  void aBlockingFindingThatProtectsDataCannotBeSkipped() {
    fakes.extraFindings.add(new Finding("target-schema-exists", Finding.BLOCKING, "target",
        "schema(s) shop already exist on the target", "migrate into another target").protectingData());
    MigrationWorkflow wf = kit.start(WorkflowTestKit.request());

    MigrationStatus s = kit.awaitStatus(wf, st -> st.paused, "paused on the blocking finding");
    assertEquals(List.of("retry", "rollback"), dev.migrator.model.Decision.wires(s.allowedDecisions), "no skip for a finding that protects data");
    assertTrue(s.pausedReason.contains("cannot be skipped"), s.pausedReason);
    wf.decide("skip"); // not offered: ignored
    kit.env.sleep(Duration.ofSeconds(5));
    assertEquals(StepState.PAUSED, step(wf.status(), Step.PREFLIGHT).state);

    wf.decide("rollback");
    WorkflowTestKit.failure(wf);
    assertEquals(List.of("preflight()"), fakes.journal.calls(), "nothing was changed, nothing undone");
  }

  @Test
  void aBlockingFindingThatProtectsNothingMayStillBeSkipped() {
    fakes.extraFindings.add(new Finding("binlog-format", Finding.BLOCKING, "source", "binlog_format=MIXED",
        "set binlog_format=ROW"));
    MigrationRequest r = WorkflowTestKit.request();
    r.cutover.autoApprove = true;
    MigrationWorkflow wf = kit.start(r);
    MigrationStatus s = kit.awaitStatus(wf, st -> st.paused, "paused on the blocking finding");
    assertEquals(List.of("retry", "rollback", "skip"), dev.migrator.model.Decision.wires(s.allowedDecisions));
    wf.decide("skip");
    assertEquals(MigrationResult.COMPLETED, result(wf).outcome);
  }

  @Test
  void whenTheSourceMovedAfterReadOnlyTheCutoverMakesItWritableAgainAndKillAndRetryCompletes() {
    fakes.enabledEvents.add("shop.nightly");
    fakes.sourceMovesLeft.set(1);
    MigrationRequest r = WorkflowTestKit.request();
    r.cutover.autoApprove = true;
    MigrationWorkflow wf = kit.start(r);

    MigrationStatus s = kit.awaitStatus(wf, st -> st.paused, "paused on the moved source");
    assertEquals("cutover", s.currentStep);
    assertEquals(List.of("retry", "kill-and-retry", "rollback"), dev.migrator.model.Decision.wires(s.allowedDecisions));
    assertTrue(s.pausedReason.contains("app@10.0.0.9"), "names the writer: " + s.pausedReason);
    List<String> calls = fakes.journal.calls();
    List<String> attempt = calls.subList(calls.indexOf("setEvents(source, [shop.nightly], false)"), calls.size());
    assertEquals(List.of("setEvents(source, [shop.nightly], false)", "setSourceReadOnly(true)", "fenceSource()",
            "sourcePosition()", "waitForTargetPosition(mysql-bin.000004:900)",
            "confirmSourceStill(mysql-bin.000004:900)",
            // the failed attempt gives the source back before it pauses: no downtime while a human decides
            "setSourceReadOnly(false)", "setEvents(source, [shop.nightly], true)"),
        attempt);
    assertTrue(s.warnings.stream().anyMatch(w -> w.contains("the source is writable again")), s.warnings.toString());
    SearchAttributes sa = WorkflowTestKit.searchAttributes(wf);
    assertEquals(Boolean.TRUE, sa.get(MigrationSearchAttributes.PAUSED));

    wf.decide("kill-and-retry");
    MigrationResult done = result(wf);

    assertEquals(MigrationResult.COMPLETED, done.outcome);
    calls = fakes.journal.calls();
    assertEquals(calls.lastIndexOf("fenceSource()") + 1, calls.indexOf("killSourceWriters()"),
        "the writers are killed once writes are stopped again: " + calls);
    assertEquals(2, fakes.journal.count("confirmSourceStill"));
    assertEquals(1, done.status.cutover.failedAttempts);
    assertEquals(8_000, done.status.cutover.failedAttemptsDowntimeMillis, "9000 - 1000 in the fakes' clocks");
    assertTrue(step(done.status, Step.CUTOVER).detail.contains("failed attempt"), step(done.status, Step.CUTOVER).detail);
    // Issue 15: the status says where the events run now.
    assertEquals("enabled on the target, disabled on the source: [shop.nightly]", done.status.cutover.events);
    assertTrue(step(done.status, Step.CUTOVER).detail.endsWith("events enabled on the target, disabled on the source:"
        + " [shop.nightly]"), step(done.status, Step.CUTOVER).detail);
  }

  @Test
  void keepSourceReadOnlyOnFailureLeavesTheSourceAsItIs() {
    fakes.sourceMovesLeft.set(1);
    MigrationRequest r = WorkflowTestKit.request();
    r.cutover.autoApprove = true;
    r.cutover.keepSourceReadOnlyOnFailure = true;
    MigrationWorkflow wf = kit.start(r);
    kit.awaitStatus(wf, st -> st.paused, "paused on the moved source");
    assertEquals(0, times("setSourceReadOnly(false)"));
    wf.decide("retry");
    assertEquals(MigrationResult.COMPLETED, result(wf).outcome);
  }

  @Test
  void aCutoverThatFailsAfterReplicationStoppedGoesOnFromThereOnRetry() {
    MigrationRequest r = WorkflowTestKit.request();
    r.cutover.autoApprove = true;
    r.cutover.trafficSwitch = new dev.migrator.model.TrafficSwitch();
    r.cutover.trafficSwitch.type = "command";
    fakes.fail("switchTraffic");
    MigrationWorkflow wf = kit.start(r);

    MigrationStatus s = kit.awaitStatus(wf, st -> st.paused, "paused on the traffic switch");
    assertEquals("cutover", s.currentStep);
    assertEquals(0, times("setSourceReadOnly(false)"),
        "past the point of no return the source is not made writable again (the target has its writes)");
    fakes.succeed("switchTraffic");
    wf.decide("retry");
    MigrationResult done = result(wf);

    assertEquals(MigrationResult.COMPLETED, done.outcome);
    assertEquals(1, fakes.journal.count("waitForTargetPosition"), "not drained twice");
    assertEquals(1, fakes.journal.count("stopAndResetReplication"));
    assertEquals(1, times("setTargetReadOnly(false)"));
    assertEquals(2, fakes.journal.count("switchTraffic"));
  }

  @Test
  void aHeldGlobalReadLockIsReleasedOnceTrafficIsSwitchedAndByTheRollback() {
    fakes.fenceHow = "read_only + a global read lock";
    fakes.fenceLock = 42L;
    MigrationRequest r = WorkflowTestKit.request();
    r.cutover.autoApprove = true;
    r.cutover.gracePeriodSeconds = 3600;
    r.cutover.trafficSwitch = new dev.migrator.model.TrafficSwitch();
    r.cutover.trafficSwitch.type = "command";
    MigrationWorkflow wf = kit.start(r);
    MigrationStatus s = kit.awaitStatus(wf, st -> st.pausedReason != null && st.pausedReason.startsWith("grace period"),
        "in the grace period");
    List<String> calls = fakes.journal.calls();
    assertEquals(calls.indexOf("switchTraffic()") + 1, calls.indexOf("releaseSourceFence(42)"), calls.toString());
    assertEquals("read_only + a global read lock", s.cutover.sourceStoppedBy);

    wf.rollback("test");
    assertEquals(MigrationResult.ROLLED_BACK, result(wf).outcome);
    assertEquals(1, fakes.journal.count("releaseSourceFence"), "already released: the rollback does not again");
  }

  @Test
  void aReplicationErrorWhileWaitingForApprovalPausesWithDecisionsAndApprovalIsRefusedMeanwhile() {
    MigrationWorkflow wf = kit.start(WorkflowTestKit.request());
    kit.awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting for approval");
    fakes.watchErrorsLeft.set(1);

    MigrationStatus s = kit.awaitStatus(wf, st -> st.paused, "paused on the replication error");
    assertEquals("approve", s.currentStep);
    assertEquals(List.of("retry", "skip", "rebuild", "rollback"), dev.migrator.model.Decision.wires(s.allowedDecisions));
    assertTrue(s.pausedReason.contains("duplicate-key"), s.pausedReason);
    SearchAttributes sa = WorkflowTestKit.searchAttributes(wf);
    assertEquals(Boolean.TRUE, sa.get(MigrationSearchAttributes.PAUSED), "on-call finds it");
    assertEquals("paused", sa.get(MigrationSearchAttributes.PHASE));

    // One gate: the update refuses with the reason, the signal is refused and says so in the status.
    WorkflowUpdateException refused = assertThrows(WorkflowUpdateException.class, () -> wf.approveCutover("bob"));
    assertTrue(String.valueOf(refused.getCause().getMessage()).contains("replication is failing"),
        String.valueOf(refused.getCause().getMessage()));
    wf.approve();
    MigrationStatus afterSignal = kit.awaitStatus(wf, st -> st.approvalRefused != null, "the signal's refusal");
    assertTrue(afterSignal.approvalRefused.contains("replication is failing"), afterSignal.approvalRefused);
    assertEquals(0, fakes.journal.count("setSourceReadOnly"), "the cutover never started");

    wf.decide("retry");
    kit.awaitStatus(wf, st -> !st.paused && st.lag != null && st.lag.errorKind == null, "healthy again");
    assertEquals(1, fakes.journal.count("resumeReplication"), "retry starts replication again");
    assertTrue(wf.approveCutover("bob").startsWith("approved by bob"));
    MigrationResult done = result(wf);
    assertEquals(MigrationResult.COMPLETED, done.outcome);
    assertEquals("approved by bob", step(done.status, Step.APPROVE).detail);
  }

  @Test
  void rebuildChosenWhileWaitingForApprovalRunsStepsThreeToTenAgain() {
    fakes.lagErrorKind = "log-purged";
    MigrationWorkflow wf = kit.start(WorkflowTestKit.request());
    kit.awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting for approval");
    fakes.watchErrorsLeft.set(1);
    kit.awaitStatus(wf, st -> st.paused, "paused on the replication error");
    wf.decide("rebuild");
    kit.awaitStatus(wf, st -> "approve".equals(st.currentStep) && !st.paused
        && fakes.journal.count("createSchema") == 2, "waiting for approval after the rebuild");
    assertEquals(1, fakes.journal.count("dropSchemas"));
    wf.approve();
    assertEquals(MigrationResult.COMPLETED, result(wf).outcome);
  }

  @Test
  void anApprovalIsWithdrawnWhenTheReadingBeforeTheCutoverFindsAnError() {
    MigrationWorkflow wf = kit.start(WorkflowTestKit.request());
    kit.awaitStatus(wf, st -> "approve".equals(st.currentStep), "waiting for approval");
    fakes.lagErrorsLeft.set(1); // the reading right before the cutover (awaitCatchUp) fails
    wf.approve();
    MigrationStatus s = kit.awaitStatus(wf, st -> st.paused, "paused on the replication error");
    assertTrue(s.approvalRefused.startsWith("approval withdrawn"), s.approvalRefused);
    assertEquals(0, fakes.journal.count("setSourceReadOnly"));
    wf.decide("retry");
    kit.awaitStatus(wf, st -> !st.paused && st.pausedReason != null && st.pausedReason.startsWith("waiting for approval")
        && st.lag.errorKind == null, "waiting for a new approval, replication healthy again");
    wf.approve();
    assertEquals(MigrationResult.COMPLETED, result(wf).outcome);
  }

  @Test
  void theTargetIsGuardedAfterReplicationStartsAndTheGuardIsInTheStatus() {
    MigrationRequest r = WorkflowTestKit.request();
    r.cutover.autoApprove = true;
    MigrationWorkflow wf = kit.start(r);
    MigrationResult done = result(wf);
    List<String> calls = fakes.journal.calls();
    assertEquals(calls.indexOf("startReplication(mysql-bin.000003:4711)") + 1, calls.indexOf("guardTarget()"));
    assertEquals("read_only + super_read_only", done.status.targetGuard.how);
    assertTrue(step(done.status, Step.REPLICATE).detail.contains("read-only until the cutover"));
    assertFalse(done.status.warnings.stream().anyMatch(w -> w.startsWith("replicate:")), done.status.warnings.toString());
  }
}
