package dev.migrator.workflow;

import static dev.migrator.workflow.WorkflowTestKit.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * "Nothing hidden": every wait for a human sets the search attributes on-call filters on
 * (MigrationPaused, its reason, the step and the phase) and clears them when the migration moves on.
 */
class PausesVisibleWorkflowTest extends WorkflowTestBase {
  /** Polls the search attributes (moving the test clock) until they show what is expected. */
  private SearchAttributes awaitAttributes(MigrationWorkflow wf, Predicate<SearchAttributes> condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    SearchAttributes sa;
    while (!condition.test(sa = WorkflowTestKit.searchAttributes(wf))) {
      if (System.nanoTime() > deadline) {
        fail("search attributes never showed: " + what + "; they are " + describe(sa) + "; journal=" + fakes.journal.calls());
      }
      kit.env.sleep(Duration.ofMillis(10));
    }
    return sa;
  }

  private static String describe(SearchAttributes sa) {
    return "paused=" + sa.get(MigrationSearchAttributes.PAUSED) + " phase=" + sa.get(MigrationSearchAttributes.PHASE)
        + " step=" + sa.get(MigrationSearchAttributes.STEP) + " reason=" + sa.get(MigrationSearchAttributes.PAUSED_REASON);
  }

  private static boolean paused(SearchAttributes sa) {
    return Boolean.TRUE.equals(sa.get(MigrationSearchAttributes.PAUSED));
  }

  /** Paused on {@code step}, phase paused, with a reason containing {@code reason}. */
  private SearchAttributes awaitPaused(MigrationWorkflow wf, String step, String reason) {
    SearchAttributes sa = awaitAttributes(wf, a -> paused(a) && step.equals(a.get(MigrationSearchAttributes.STEP)),
        "paused at " + step);
    assertEquals("paused", sa.get(MigrationSearchAttributes.PHASE), describe(sa));
    String why = sa.get(MigrationSearchAttributes.PAUSED_REASON);
    assertTrue(why != null && why.contains(reason), describe(sa));
    return sa;
  }

  private void assertClearedAtTheEnd(MigrationWorkflow wf) {
    assertEquals(MigrationResult.COMPLETED, result(wf).outcome);
    SearchAttributes sa = WorkflowTestKit.searchAttributes(wf);
    assertEquals(Boolean.FALSE, sa.get(MigrationSearchAttributes.PAUSED), describe(sa));
    assertEquals("completed", sa.get(MigrationSearchAttributes.PHASE), describe(sa));
    assertFalse(sa.containsKey(MigrationSearchAttributes.PAUSED_REASON), describe(sa));
  }

  private static MigrationRequest autoApproved() {
    MigrationRequest r = WorkflowTestKit.request();
    r.cutover.autoApprove = true;
    return r;
  }

  @Test
  void aReplicationErrorInCatchUpIsPausedAndClearedOnRetry() {
    fakes.lagErrorsLeft.set(1);
    MigrationWorkflow wf = kit.start(autoApproved());

    awaitPaused(wf, "catch-up", "duplicate-key");
    wf.decide("retry");
    awaitAttributes(wf, a -> !paused(a), "running again after the retry");
    assertClearedAtTheEnd(wf);
  }

  @Test
  void aFailedStepIsPausedAndClearedOnRetry() {
    fakes.fail("verify");
    MigrationWorkflow wf = kit.start(autoApproved());

    awaitPaused(wf, "verify", "injected failure in verify");
    fakes.succeed("verify");
    wf.decide("retry");
    awaitAttributes(wf, a -> !paused(a), "running again after the retry");
    assertClearedAtTheEnd(wf);
  }

  @Test
  void aBlockingPreflightFindingIsPaused() {
    fakes.extraFindings.add(new Finding("binlog-format", Finding.BLOCKING, "source", "binlog_format=MIXED",
        "set binlog_format=ROW"));
    MigrationWorkflow wf = kit.start(autoApproved());

    awaitPaused(wf, "preflight", "binlog_format=MIXED");
    fakes.extraFindings.clear();
    wf.decide("retry");
    assertClearedAtTheEnd(wf);
  }

  @Test
  void theApprovalWaitIsPausedUntilApproved() {
    MigrationWorkflow wf = kit.start(WorkflowTestKit.request());

    awaitPaused(wf, "approve", "waiting for approval: run 'migrator approve " + WorkflowTestKit.ID + "'");
    wf.approveCutover("alice");
    assertClearedAtTheEnd(wf);
  }

  @Test
  void aBreakpointIsPausedAndNamesBothWaysOn() {
    MigrationRequest r = autoApproved();
    r.pauseBefore = java.util.List.of("cutover");
    MigrationWorkflow wf = kit.start(r);

    SearchAttributes sa = awaitPaused(wf, "cutover", "breakpoint");
    String why = sa.get(MigrationSearchAttributes.PAUSED_REASON);
    assertTrue(why.contains("'migrator resume " + WorkflowTestKit.ID + "'"), why);
    assertTrue(why.contains("'migrator rollback " + WorkflowTestKit.ID + "'"), why);
    wf.resume();
    assertClearedAtTheEnd(wf);
  }

  @Test
  void anOperatorPauseWhileCaughtUpIsPaused() throws Exception {
    fakes.block("awaitCatchUp");
    MigrationWorkflow wf = kit.start(autoApproved());
    fakes.journal.awaitCalls("awaitCatchUp", 1);
    wf.pause("hold the cutover until the batch jobs are done");
    kit.awaitStatus(wf, s -> s.pausedReason != null, "the pause signal handled");
    fakes.release("awaitCatchUp");

    awaitPaused(wf, "catch-up", "hold the cutover");
    wf.resume();
    assertClearedAtTheEnd(wf);
  }

  @Test
  void anOperatorPauseDuringAChunkedCopyIsPaused() throws Exception {
    MigrationRequest r = autoApproved();
    r.method = "stopped-replica";
    r.frozenReplica = new dev.migrator.model.Endpoint("replica.local", 3306, "root", null);
    r.copy.parallelism = 2;
    r.copy.chunksPerActivity = 1;
    fakes.block("copyChunks");
    MigrationWorkflow wf = kit.start(r);
    fakes.journal.awaitCalls("copyChunks", 2);
    wf.pause("look at the target before more load");

    awaitPaused(wf, "copy", "look at the target");
    assertTrue(kit.awaitStatus(wf, s -> s.paused, "the status says paused too").paused);
    fakes.release("copyChunks");
    wf.resume();
    awaitAttributes(wf, a -> !paused(a), "running again after resume");
    assertClearedAtTheEnd(wf);
  }

  @Test
  void anOperatorPauseAtAStepBoundaryIsPaused() throws Exception {
    fakes.block("preflight");
    MigrationWorkflow wf = kit.start(autoApproved());
    fakes.journal.awaitCalls("preflight", 1);
    wf.pause("change freeze until the release is out");
    kit.awaitStatus(wf, s -> s.pausedReason != null, "the pause signal handled");
    fakes.release("preflight");

    awaitPaused(wf, "retention", "change freeze");
    wf.resume();
    assertClearedAtTheEnd(wf);
  }

}
