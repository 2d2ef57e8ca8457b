package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.CompensationState;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * copy.disableRedoLog (issue 18): the target's redo log goes off right before the copy's first
 * chunk and on again after the copy (deferred indexes included), after a failed copy attempt and
 * on rollback; a request without it issues no new command (no version marker either).
 */
class RedoLogWorkflowTest extends WorkflowTestBase {
  private static final String UNDO = "enable the target's InnoDB redo log again (copy.disableRedoLog)";

  private static MigrationRequest chunked() {
    MigrationRequest r = request();
    r.method = "stopped-replica";
    r.frozenReplica = new dev.migrator.model.Endpoint("replica.local", 3306, "root", null);
    r.copy.parallelism = 2;
    r.copy.deferSecondaryIndexes = true;
    r.copy.disableRedoLog = true;
    r.cutover.autoApprove = true;
    return r;
  }

  @Test
  void offBeforeTheFirstChunkOnAfterTheDeferredIndexes() {
    MigrationWorkflow wf = start(chunked());
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    List<String> m = fakes.journal.methods();
    assertEquals(1, fakes.journal.count("disableRedoLog"), m.toString());
    assertEquals(1, fakes.journal.count("enableRedoLog"), m.toString());
    int off = m.indexOf("disableRedoLog");
    int on = m.indexOf("enableRedoLog");
    assertTrue(off < m.indexOf("planPage") && off < m.indexOf("copyChunks"), m.toString());
    assertTrue(on > m.lastIndexOf("copyChunks") && on > m.lastIndexOf("addDeferredIndexes"), m.toString());
    assertTrue(on < m.indexOf("verify"), m.toString());
    assertTrue(fakes.redoLogEnabled);
    assertTrue(step(result.status, Step.COPY).detail.contains("target redo log was off during the copy"),
        step(result.status, Step.COPY).detail);
    CompensationState undo = result.status.shadow.stream().filter(c -> c.action.equals(UNDO)).findFirst().orElseThrow();
    assertEquals(CompensationState.DONE, undo.state, undo.detail);
    assertTrue(history().contains("redo-log-off"), "the version marker of the new commands");
  }

  @Test
  void rollbackDuringTheCopyEnablesItFirst() {
    MigrationRequest r = request();
    r.copy.disableRedoLog = true;
    fakes.block("copyLiveConsistent");
    MigrationWorkflow wf = start(r);
    awaitCall("copyLiveConsistent");
    assertFalse(fakes.redoLogEnabled);

    wf.rollback("wrong target");
    awaitHistory(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
    fakes.release("copyLiveConsistent");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
    assertEquals(List.of(
            "preflight()", "readRetention()", "ensureRetention(1)", "freeze(" + ID + ")", "createSchema([shop])",
            "disableRedoLog()", "copyLiveConsistent(" + TABLES + ")",
            "enableRedoLog()", // the last undo registered runs first
            "truncateTables(" + TABLES + ")", "dropSchemas([shop])", "releaseFrozenCopy(" + ID + ")",
            "restoreRetention(1)"),
        fakes.journal.calls());
    assertTrue(fakes.redoLogEnabled);
    assertAllShadowDone(result.status);
  }

  @Test
  void aFailedCopyEnablesItBeforePausingAndTheRetryDisablesItAgain() {
    MigrationRequest r = request();
    r.copy.disableRedoLog = true;
    r.cutover.autoApprove = true;
    fakes.fail("copyLiveConsistent");
    MigrationWorkflow wf = start(r);
    MigrationStatus s = awaitStatus(wf, st -> st.paused, "paused on the copy failure");
    assertEquals("copy", s.currentStep);
    assertTrue(fakes.redoLogEnabled, "on while waiting for a decision: " + fakes.journal.calls());

    fakes.succeed("copyLiveConsistent");
    wf.decide("retry");
    MigrationResult result = result(wf);

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    List<String> m = fakes.journal.methods();
    List<String> around = m.subList(m.indexOf("disableRedoLog"), m.indexOf("verify"));
    assertEquals(List.of("disableRedoLog", "copyLiveConsistent", "enableRedoLog",
        "disableRedoLog", "copyLiveConsistent", "enableRedoLog"), around);
    assertTrue(fakes.redoLogEnabled);
  }

  @Test
  void withoutTheOptionNothingNewIsIssued() {
    MigrationRequest r = request();
    r.cutover.autoApprove = true;
    MigrationResult result = result(start(r));

    assertEquals(MigrationResult.COMPLETED, result.outcome);
    assertEquals(COMPLETE, fakes.journal.calls());
    assertFalse(history().contains("redo-log-off"), "no version marker without the option");
    assertTrue(result.status.shadow.stream().noneMatch(c -> c.action.equals(UNDO)));
  }

  private String history() {
    StringBuilder b = new StringBuilder();
    for (HistoryEvent e : client.fetchHistory(WorkflowTestKit.WORKFLOW_ID).getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED) b.append(e.getMarkerRecordedEventAttributes());
    }
    return b.toString();
  }
}
