package dev.migrator.workflow.checklist;

import dev.migrator.model.Decision;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place the migration waits for an operator's decision: a failed step, a replication
 * error at catch-up or while waiting for approval. The status (and, through it, the search
 * attributes) says why it waits and what may be decided; a rollback request ends the wait too.
 */
final class OperatorGate {
  private final Migration m;

  OperatorGate(Migration m) {
    this.m = m;
  }

  /**
   * Pauses {@code step} with {@code reason} until one of {@code allowed} is decided (a decision
   * not offered is ignored) or a rollback is requested (then {@link Decision#ROLLBACK}).
   * {@code publish}: keep the search attributes current while paused (runs recorded before
   * replication errors did so replay without it).
   */
  Decision await(Step step, String reason, List<Decision> allowed, boolean publish) {
    StepState st = m.step(step);
    st.state = StepState.PAUSED;
    st.detail = reason;
    m.setPaused(reason);
    m.status.allowedDecisions = new ArrayList<>(allowed);
    m.pendingDecision = null;
    if (publish) m.publish();
    Workflow.await(() -> m.rollbackRequested || m.allowedPendingDecision() != null);
    Decision d = m.rollbackRequested ? Decision.ROLLBACK : m.allowedPendingDecision();
    m.pendingDecision = null;
    m.setRunning();
    m.status.allowedDecisions = new ArrayList<>();
    if (publish) m.publish();
    return d;
  }
}
