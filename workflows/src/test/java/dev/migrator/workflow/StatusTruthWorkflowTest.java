package dev.migrator.workflow;

import static dev.migrator.workflow.WorkflowTestKit.result;
import static dev.migrator.workflow.WorkflowTestKit.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.CompensationState;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.common.SearchAttributes;
import org.junit.jupiter.api.Test;

/** "A status that tells the truth": what the status and the search attributes say once things moved on. */
class StatusTruthWorkflowTest extends WorkflowTestBase {
  @Test
  void afterCompletionNoShadowRowReadsPending() {
    MigrationRequest r = WorkflowTestKit.request();
    r.cutover.autoApprove = true;
    MigrationResult res = result(kit.start(r));

    assertEquals(MigrationResult.COMPLETED, res.outcome);
    assertFalse(res.status.shadow.isEmpty());
    for (CompensationState c : res.status.shadow) {
      assertFalse(CompensationState.PENDING.equals(c.state), c.step + " still reads pending: " + c.detail);
    }
    assertTrue(res.status.shadow.stream().anyMatch(c -> CompensationState.RETIRED.equals(c.state)
        && c.detail.contains("the migration completed at") && c.detail.contains("nothing to roll back")),
        WorkflowTestKit.shadowStates(res.status).toString());
  }

  @Test
  void theRollbackReasonIsInTheStatusAndTheSearchAttribute() {
    MigrationWorkflow wf = kit.start(WorkflowTestKit.request());
    kit.awaitStatus(wf, s -> "approve".equals(s.currentStep), "waiting for approval");
    wf.rollback("drill: the way back");

    MigrationResult res = result(wf);
    assertEquals(MigrationResult.ROLLED_BACK, res.outcome);
    assertEquals("drill: the way back", res.status.rollbackReason);
    SearchAttributes sa = WorkflowTestKit.searchAttributes(wf);
    assertEquals("rollback: drill: the way back", sa.get(MigrationSearchAttributes.PAUSED_REASON));
    assertEquals(Boolean.FALSE, sa.get(MigrationSearchAttributes.PAUSED));
  }

  @Test
  void aLiveConsistentCopyRestartedSaysSoOnItsLine() {
    MigrationRequest r = WorkflowTestKit.request();
    r.cutover.autoApprove = true;
    fakes.liveCopyAttempt = 2; // as after a worker lost mid-copy: Temporal retried the activity
    MigrationResult res = result(kit.start(r));
    String detail = step(res.status, Step.COPY).detail;
    assertTrue(detail != null && detail.contains("restarted from scratch in a new snapshot (attempt 2)"), detail);
  }

  @Test
  void aSuccessfulRetryDropsTheStaleError() {
    MigrationRequest r = WorkflowTestKit.request();
    r.cutover.autoApprove = true;
    fakes.fail("copyLiveConsistent");
    MigrationWorkflow wf = kit.start(r);
    kit.awaitStatus(wf, s -> s.paused, "paused on the copy failure");
    assertTrue(step(wf.status(), Step.COPY).detail.contains("injected failure"));
    fakes.succeed("copyLiveConsistent");
    wf.decide("retry");

    MigrationResult res = result(wf);
    assertEquals(MigrationResult.COMPLETED, res.outcome);
    StepState copy = step(res.status, Step.COPY);
    assertEquals(StepState.DONE, copy.state);
    assertFalse(String.valueOf(copy.detail).contains("injected failure"), copy.detail);
  }
}
