package dev.migrator.workflow.checklist;

import dev.migrator.model.Decision;
import dev.migrator.model.FailureType;
import dev.migrator.model.OnFailure;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Runs one checklist step: waits while paused (an operator's pause, a {@code pauseBefore}
 * breakpoint), records start, end and duration, runs the body in a scope a rollback request
 * cancels, and on a failure follows the policy: pause for an operator's decision (retry, skip where
 * it cannot lose data, kill-and-retry after the source moved, rollback) or roll back.
 */
final class StepRunner {
  private static final Logger log = Workflow.getLogger(StepRunner.class);

  private final Migration m;
  private final OperatorGate gate;
  private final Set<String> breakpointsHit = new HashSet<>();
  /** Set by the decision kill-and-retry; the cutover reads and clears it on its next attempt. */
  boolean killWritersNext;

  StepRunner(Migration m, OperatorGate gate) {
    this.m = m;
    this.gate = gate;
  }

  <T> T run(Step s, Functions.Func<T> body) {
    m.checkRollback();
    awaitUnpaused(s);
    StepState st = m.step(s);
    m.status.currentStep = s.label;
    st.state = StepState.RUNNING;
    st.startedAtMillis = Workflow.currentTimeMillis();
    m.publish();
    while (true) {
      st.attempts++;
      try {
        T result = inScope(body);
        if (m.pausesVisible && st.detail == null && st.attempts > 1) st.detail = "done on attempt " + st.attempts;
        Migration.finish(st, StepState.DONE, st.detail);
        return result;
      } catch (RollbackRequested e) {
        Migration.finish(st, StepState.FAILED, "interrupted by rollback");
        throw e;
      } catch (TemporalFailure e) {
        if (m.rollbackRequested) {
          Migration.finish(st, StepState.FAILED, "interrupted by rollback");
          throw new RollbackRequested();
        }
        if (e instanceof CanceledFailure) {
          Migration.finish(st, StepState.FAILED, "workflow cancelled");
          throw e;
        }
        String msg = s.label + " failed: " + Failures.describe(e);
        log.warn(msg);
        if (m.onFailure() != OnFailure.PAUSE) {
          Migration.finish(st, StepState.FAILED, msg);
          throw new StepFailed(msg);
        }
        Decision decision = gate.await(s, msg, decisionsAfter(s, Failures.type(e)), true);
        if (decision == Decision.KILL_AND_RETRY) killWritersNext = true;
        if (decision == Decision.ROLLBACK) {
          Migration.finish(st, StepState.FAILED, msg);
          throw new StepFailed(msg + " (operator chose rollback)");
        }
        if (decision == Decision.SKIP) {
          Migration.finish(st, StepState.SKIPPED, "skipped by operator after: " + msg);
          m.status.warnings.add("step " + s.label + " was skipped by an operator after: " + msg);
          if (s == Step.VERIFY) {
            m.status.warnings.add("schema: triggers and deferred secondary indexes follow a successful verify and were"
                + " not created: create them by hand");
          }
          return null;
        }
        st.state = StepState.RUNNING; // retry
        if (m.pausesVisible) st.detail = null; // the error it paused on is stale now (the history keeps it)
      }
    }
  }

  /** What an operator may decide after {@code s} failed with a failure of {@code failureType}. */
  private List<Decision> decisionsAfter(Step s, String failureType) {
    List<Decision> d = new ArrayList<>(List.of(Decision.RETRY, Decision.ROLLBACK));
    if (skippable(s) && !(m.safety && FailureType.PREFLIGHT_BLOCKED_PROTECTED.is(failureType))) d.add(Decision.SKIP);
    if (m.safety && FailureType.SOURCE_MOVED.is(failureType)) d.add(1, Decision.KILL_AND_RETRY);
    return d;
  }

  private static boolean skippable(Step s) {
    // Skipping these cannot lose data; skipping the others would leave the checklist inconsistent.
    return s == Step.PREFLIGHT || s == Step.RETENTION || s == Step.VERIFY || s == Step.ACCOUNTS;
  }

  private <T> T inScope(Functions.Func<T> body) {
    List<T> out = new ArrayList<>(1);
    m.currentScope = Workflow.newCancellationScope(() -> {
      out.add(body.apply());
    });
    try {
      m.currentScope.run();
    } finally {
      m.currentScope = null;
    }
    return out.get(0);
  }

  /** Holds at a step boundary while paused; a breakpoint of {@code pauseBefore} pauses here once. */
  private void awaitUnpaused(Step s) {
    if (m.request != null && m.request.pauseBefore != null && m.request.pauseBefore.contains(s.label)
        && breakpointsHit.add(s.label)) {
      m.pauseRequested = true;
      m.status.pausedReason = "breakpoint: paused before step " + s.label + " (request.pauseBefore);"
          + " 'migrator resume " + m.status.migrationId + "' continues"
          + (m.pausesVisible ? ", 'migrator rollback " + m.status.migrationId + "' undoes what was done" : "");
    }
    if (!m.pauseRequested) return;
    m.setPaused(null);
    m.status.currentStep = s.label;
    m.publish();
    Workflow.await(() -> !m.pauseRequested || m.rollbackRequested);
    m.setRunning();
    m.publish();
    m.checkRollback();
  }
}
