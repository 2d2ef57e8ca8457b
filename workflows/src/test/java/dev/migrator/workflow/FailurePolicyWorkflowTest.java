package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.common.SearchAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failing step under each failure policy (pause, rollback), the operator's decisions (retry,
 * skip, rollback) and their limits, pause/resume at a boundary, the search attributes that follow
 * it, an invalid request. (MigrationWorkflowImpl on the in-memory test service, fake activities.)
 */
class FailurePolicyWorkflowTest extends WorkflowTestBase {
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
}
