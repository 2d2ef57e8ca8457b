package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.AuditEntry;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.OperatorAction;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The audit trail: every operator action (approve, rollback, pause, resume, decide; attributed or
 * not) in the status with workflow time, who and the Temporal identity, and in the history as the
 * signal's argument; bounded.
 */
class AuditTrailWorkflowTest extends WorkflowTestBase {
  static final String ID = WorkflowTestKit.WORKFLOW_ID;

  /** The status as the audit tests wait for it (the kit's wait, which names the audit on failure). */
  MigrationStatus await(MigrationWorkflow wf, Predicate<MigrationStatus> condition, String what) {
    return awaitStatus(wf, condition, what);
  }

  static OperatorAction as(String by) {
    return new OperatorAction(by, "4242@ops-host");
  }

  static AuditEntry last(MigrationStatus s) {
    return s.audit.get(s.audit.size() - 1);
  }

  /** Sends, then waits for the entry; checks its time is the workflow's clock at that moment. */
  AuditEntry recorded(MigrationWorkflow wf, Runnable send) {
    int before = wf.status().audit.size();
    long t0 = env.currentTimeMillis();
    send.run();
    MigrationStatus s = await(wf, st -> st.audit.size() > before, "the entry");
    AuditEntry e = last(s);
    long at = Instant.parse(e.at).toEpochMilli();
    assertTrue(at >= t0 - 1000 && at <= env.currentTimeMillis() + 1000, e.at + " vs workflow time " + t0);
    return e;
  }

  @Test
  void everyOperatorActionIsRecordedWithWhoWhenAndTheTemporalIdentity() {
    MigrationRequest r = request();
    r.cutover.gracePeriodSeconds = 3600; // a rollback after the cutover, in the grace period
    MigrationWorkflow wf = start(r);
    await(wf, st -> "approve".equals(st.currentStep), "waiting at approve");
    assertEquals(List.of(), wf.status().audit);

    AuditEntry pause = recorded(wf, () -> wf.pauseBy(as("alice").reason("checking the target")));
    assertEquals("pause", pause.action);
    assertEquals("alice", pause.by);
    assertEquals("4242@ops-host", pause.identity);
    assertEquals("reason: checking the target", pause.detail);
    env.sleep(Duration.ofMinutes(7));

    AuditEntry resume = recorded(wf, () -> wf.resumeBy(as("bob")));
    assertEquals("resume", resume.action);
    assertEquals("bob", resume.by);
    assertTrue(Instant.parse(resume.at).isAfter(Instant.parse(pause.at).plusSeconds(400)), "workflow time moved");

    AuditEntry decide = recorded(wf, () -> wf.decideBy(as("carol").decision("retry")));
    assertEquals("decide", decide.action);
    assertTrue(decide.detail.startsWith("retry (not allowed then"), decide.detail);

    // The unattributed signals (Web UI, temporal CLI) are recorded too.
    AuditEntry ui = recorded(wf, () -> wf.pause("from the Web UI"));
    assertEquals(AuditTrail.UNKNOWN, ui.by);
    assertNull(ui.identity);
    recorded(wf, wf::resume);

    AuditEntry approve = recorded(wf, () -> assertTrue(wf.approveCutoverBy(as("dave")).startsWith("approved by dave")));
    assertEquals("approve", approve.action);
    assertEquals("dave", approve.by);
    assertEquals("4242@ops-host", approve.identity);
    assertEquals("approved (update approveCutoverBy)", approve.detail);

    await(wf, st -> st.pausedReason != null && st.pausedReason.startsWith("grace period"), "the grace period");
    AuditEntry rollback = recorded(wf, () -> wf.rollbackBy(as("erin").reason("drill")));
    assertEquals("rollback", rollback.action);
    assertEquals("erin", rollback.by);
    assertEquals("reason: drill", rollback.detail);

    MigrationResult result = WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);
    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    assertEquals(List.of("pause alice", "resume bob", "decide carol", "pause " + AuditTrail.UNKNOWN,
            "resume " + AuditTrail.UNKNOWN, "approve dave", "rollback erin"),
        result.status.audit.stream().map(e -> e.action + " " + e.by).toList(), "in the result's status too");

    // In the history: each attributed signal with who, as its argument.
    List<HistoryEvent> signals = client.fetchHistory(ID).getHistory().getEventsList().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .filter(e -> !e.getWorkflowExecutionSignaledEventAttributes().getSignalName().startsWith("report")).toList();
    assertEquals(List.of("pauseBy", "resumeBy", "decideBy", "pause", "resume", "rollbackBy"),
        signals.stream().map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName()).toList());
    String rollbackArg = signals.get(5).getWorkflowExecutionSignaledEventAttributes().getInput().getPayloads(0)
        .getData().toString(StandardCharsets.UTF_8);
    assertTrue(rollbackArg.contains("\"by\":\"erin\"") && rollbackArg.contains("4242@ops-host"), rollbackArg);
  }

  @Test
  void aRefusedApproveSignalIsRecordedWithTheReason() {
    fakes.lagSeconds.set(120);
    MigrationWorkflow wf = start(request());
    await(wf, st -> "approve".equals(st.currentStep), "waiting at approve");
    AuditEntry refused = recorded(wf, () -> wf.approveBy(as("frank")));
    assertEquals("frank", refused.by);
    assertTrue(refused.detail.startsWith("approve signal refused: ") && refused.detail.contains("lag is 120 s"),
        refused.detail);
    wf.rollbackBy(as("frank").reason("done"));
    assertEquals(MigrationResult.ROLLED_BACK, WorkflowStub.fromTyped(wf).getResult(MigrationResult.class).outcome);
  }

  @Test
  void theTrailIsBounded() {
    MigrationWorkflow wf = start(request());
    await(wf, st -> "approve".equals(st.currentStep), "waiting at approve");
    int n = AuditTrail.MAX_ENTRIES + 20;
    for (int i = 0; i < n; i++) wf.resumeBy(as("op-" + i));
    MigrationStatus s = await(wf, st -> st.auditDropped == 20, "20 dropped");
    assertEquals(AuditTrail.MAX_ENTRIES, s.audit.size());
    assertEquals("op-20", s.audit.get(0).by, "the oldest go first");
    assertEquals("op-" + (n - 1), last(s).by);
    wf.rollbackBy(as("op").reason("done"));
    WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);
  }
}
