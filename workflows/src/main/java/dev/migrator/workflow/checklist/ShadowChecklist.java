package dev.migrator.workflow.checklist;

import dev.migrator.model.CompensationState;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The shadow checklist: every step that changes something registers its undo here before it
 * runs. {@link #runAll} runs the registered undos in reverse order; each undo is idempotent, so a
 * step that never got to change anything is undone harmlessly.
 */
final class ShadowChecklist {
  private static final Logger log = Workflow.getLogger(ShadowChecklist.class);

  private record Entry(CompensationState state, Functions.Proc undo) {}

  private final List<Entry> entries = new ArrayList<>();
  private final List<CompensationState> view;

  ShadowChecklist(List<CompensationState> view) {
    this.view = view;
  }

  void register(String step, String action, Functions.Proc undo) {
    // A retried step registers again: keep one entry (the newest undo), not a duplicate row.
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.state.step.equals(step) && e.state.action.equals(action)
          && CompensationState.PENDING.equals(e.state.state)) {
        entries.set(i, new Entry(e.state, undo));
        return;
      }
    }
    CompensationState s = new CompensationState(step, action);
    entries.add(new Entry(s, undo));
    view.add(s);
  }

  /** Marks an undo as no longer needed (its step's effect was already reverted forward). */
  void retire(String step) {
    for (Entry e : entries) {
      if (e.state.step.equals(step) && CompensationState.PENDING.equals(e.state.state)) {
        e.state.state = CompensationState.DONE;
        e.state.detail = "not needed: reverted by the checklist itself";
      }
    }
  }

  /** Marks one pending undo ({@code step}, {@code action}) as done forward: {@code why} says how. */
  void retire(String step, String action, String why) {
    for (Entry e : entries) {
      if (e.state.step.equals(step) && e.state.action.equals(action) && CompensationState.PENDING.equals(e.state.state)) {
        e.state.state = CompensationState.DONE;
        e.state.detail = why;
      }
    }
  }

  /** Marks every undo still pending as retired: it will never run, and {@code why} says so. */
  void retireAll(String why) {
    for (Entry e : entries) {
      if (CompensationState.PENDING.equals(e.state.state)) {
        e.state.state = CompensationState.RETIRED;
        e.state.detail = why;
      }
    }
  }

  /** Runs every pending undo, last registered first; returns the number that failed. */
  int runAll() {
    return runFor(null);
  }

  /** Runs the pending undos of these steps only (all when null), last registered first. */
  int runFor(java.util.Collection<String> stepLabels) {
    int failed = 0;
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      if (stepLabels != null && !stepLabels.contains(e.state.step)) continue;
      if (!CompensationState.PENDING.equals(e.state.state)
          && !CompensationState.FAILED.equals(e.state.state)) {
        continue;
      }
      e.state.state = CompensationState.RUNNING;
      e.state.startedAtMillis = Workflow.currentTimeMillis();
      try {
        e.undo.apply();
        e.state.state = CompensationState.DONE;
        e.state.detail = null;
      } catch (RuntimeException ex) {
        // Keep going: a failed undo must not stop the others; the status shows which failed.
        failed++;
        e.state.state = CompensationState.FAILED;
        e.state.detail = Failures.describe(ex);
        log.error("compensation of {} failed: {}", e.state.step, e.state.detail);
      }
      e.state.endedAtMillis = Workflow.currentTimeMillis();
    }
    return failed;
  }
}
