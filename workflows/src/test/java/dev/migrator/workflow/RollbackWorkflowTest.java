package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rollbacks from every kind of point: waiting for approval, during the copy and the cutover,
 * paused at a boundary, cancelled, in the grace period, keep-target, a rehearsal's own rollback;
 * never dropping what existed before. (MigrationWorkflowImpl on the in-memory test service, fake
 * activities.)
 */
class RollbackWorkflowTest extends WorkflowTestBase {
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
}
