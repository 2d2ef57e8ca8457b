package dev.migrator.workflow.checklist;

import dev.migrator.activities.CopyInput;
import dev.migrator.activities.StepInputs;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;

/**
 * copy.disableRedoLog: the target's InnoDB redo log is off while the copy step runs.
 *
 * <p>When it is on again (decided for issue 18): at the copy step's normal end (after the chunked
 * path's deferred indexes, which the table-copy children build); when a copy attempt fails, before
 * the step pauses for an operator's decision or rolls back (a human may take hours to answer, and a
 * server crash meanwhile would cost the whole instance; a retry disables it again); and on rollback,
 * by the undo registered right before the disable (Saga style). An operator's pause inside the copy
 * keeps it off: the copy only holds between chunks, and resume goes on at once. A worker crash
 * changes nothing (the server keeps running and the resumed copy goes on); a server crash while it
 * is off means, as MySQL says, rollback and a new copy into a fresh target.
 *
 * <p>Versioned ("redo-log-off"), and asked only when the option is set: a request without it
 * issues no new command, so its history is the same as before this change.
 */
final class RedoLogSwitch {
  static final String UNDO = "enable the target's InnoDB redo log again (copy.disableRedoLog)";
  private final Migration m;
  private final CopyInput in;

  private RedoLogSwitch(Migration m, CopyInput in) {
    this.m = m;
    this.in = in;
  }

  /** The switch for this copy attempt, or null when the request does not ask for it (or the run predates it). */
  static RedoLogSwitch of(Migration m) {
    if (!m.request.copy.disableRedoLog) return null;
    if (Workflow.getVersion("redo-log-off", Workflow.DEFAULT_VERSION, 1) < 1) return null;
    return new RedoLogSwitch(m, StepInputs.copy(m.request, null));
  }

  /** Registers the undo, then turns the redo log off (before the copy's first chunk). */
  void disable() {
    m.shadow.register(Step.COPY.label, UNDO, () -> m.activities.redoLog.enableRedoLog(in));
    m.activities.redoLog.disableRedoLog(in);
  }

  /** The copy is done: the redo log on again, the step's detail says it was off. */
  void enable() {
    String note = m.activities.redoLog.enableRedoLog(in);
    // A later rollback need not enable it again (it would be a no-op): the row says it is done.
    m.shadow.retire(Step.COPY.label, UNDO, "not needed: enabled again at the end of the copy");
    StepState st = m.step(Step.COPY);
    st.detail = (st.detail == null ? "" : st.detail + "; ") + "target redo log was off during the copy, " + note;
  }

  /** A copy attempt failed: on again before the step waits or rolls back; a failure here is a warning (the undo tries again). */
  void enableAfterFailure() {
    try {
      m.activities.redoLog.enableRedoLog(in);
    } catch (TemporalFailure e) {
      m.status.warnings.add("copy: the target's InnoDB redo log could not be enabled again after the copy failed ("
          + Failures.describe(e) + "): run ALTER INSTANCE ENABLE INNODB REDO_LOG on the target, or retry/roll back");
    }
  }
}
