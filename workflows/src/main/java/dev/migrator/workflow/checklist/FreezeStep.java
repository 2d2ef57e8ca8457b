package dev.migrator.workflow.checklist;

import dev.migrator.model.FrozenCopy;
import dev.migrator.model.Step;

/**
 * Step 3: a frozen copy of the source and its exact binlog coordinates (live-consistent, clone,
 * physical-backup, stopped-replica, aurora-snapshot). Undo: release the frozen copy (found by the
 * migration id, so it works even when the freeze never returned). Step 8 releases it forward.
 */
final class FreezeStep {
  private final Migration m;
  private final StepRunner runner;

  FreezeStep(Migration m, StepRunner runner) {
    this.m = m;
    this.runner = runner;
  }

  FrozenCopy run() {
    return runner.run(Step.FREEZE, () -> {
      m.shadow.register(Step.FREEZE.label, "release the frozen copy", () -> m.activities.freeze.releaseFrozenCopy(m.freezeIn));
      FrozenCopy f = m.activities.freeze.freeze(m.freezeIn);
      m.status.frozen = f;
      m.step(Step.FREEZE).detail = f.note;
      return f;
    });
  }

  /** Step 8: the copy is verified; the frozen copy goes, and its undo is not needed any more. */
  void release() {
    runner.run(Step.RELEASE, () -> {
      m.activities.freeze.releaseFrozenCopy(m.freezeIn);
      m.shadow.retire(Step.FREEZE.label);
      return null;
    });
  }
}
