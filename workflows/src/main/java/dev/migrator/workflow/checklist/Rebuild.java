package dev.migrator.workflow.checklist;

import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import java.util.List;

/**
 * The decision "rebuild" (a replication error that only a new copy fixes): runs the pending undos of
 * replicate, copy, schema and freeze, last registered first, then sets steps 3-10 back to pending
 * so that they run again from a new frozen copy.
 */
final class Rebuild {
  /** Steps that a rebuild undoes and runs again, in checklist order. */
  private static final List<Step> REBUILT = List.of(
      Step.FREEZE, Step.SCHEMA, Step.COPY, Step.VERIFY, Step.RELEASE, Step.REPLICATE, Step.CATCH_UP);

  private final Migration m;

  Rebuild(Migration m) {
    this.m = m;
  }

  void run() {
    m.rebuilds++;
    int failed = m.shadow.runFor(List.of(Step.REPLICATE.label, Step.COPY.label, Step.SCHEMA.label, Step.FREEZE.label));
    if (failed > 0) {
      throw new StepFailed("rebuild: " + failed + " undo(s) failed; see the shadow checklist");
    }
    for (Step s : REBUILT) {
      StepState st = m.step(s);
      st.state = StepState.PENDING;
      st.detail = "rebuild " + m.rebuilds + " pending";
      st.startedAtMillis = null;
      st.endedAtMillis = null;
      st.durationMillis = null;
    }
    m.status.frozen = null;
    m.status.copy = null;
    m.chunkedCopy.reset();
    m.status.verify = null;
    m.lastTrendWarning = null;
  }
}
