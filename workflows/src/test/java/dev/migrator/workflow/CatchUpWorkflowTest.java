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
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Catch-up: replication errors and the decisions each allows (retry, skip, next log, rebuild,
 * rollback), days of catch-up with bounded histories, a lag that does not fall.
 * (MigrationWorkflowImpl on the in-memory test service, fake activities.)
 */
class CatchUpWorkflowTest extends WorkflowTestBase {
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
}
