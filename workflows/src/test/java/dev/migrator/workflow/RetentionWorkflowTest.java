package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Binlog retention: the value found before the migration is the one put back, whatever retries,
 * skips and rollbacks happen. (MigrationWorkflowImpl on the in-memory test service, fake
 * activities.)
 */
class RetentionWorkflowTest extends WorkflowTestBase {
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
}
