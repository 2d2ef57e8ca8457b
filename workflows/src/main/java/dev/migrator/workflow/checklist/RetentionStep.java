package dev.migrator.workflow.checklist;

import dev.migrator.model.RetentionChange;
import dev.migrator.model.Step;

/**
 * Step 2: binlog retention on the source long enough for the migration (RDS/Aurora: raised;
 * self-managed: checked). Undo: the value read before any change goes back; the finish step puts
 * it back on a completed migration and retires the undo.
 */
final class RetentionStep {
  private final Migration m;
  private final StepRunner runner;
  /** The source's retention as read before the first change; what finish and the rollback restore. */
  private RetentionChange before;

  RetentionStep(Migration m, StepRunner runner) {
    this.m = m;
    this.runner = runner;
  }

  void run() {
    runner.run(Step.RETENTION, () -> {
      // Read once, before any change: a retry after a partly applied change must not record the
      // raised value as the one to put back (nor register a second undo).
      if (before == null) {
        RetentionChange b = m.activities.retention.readRetention(m.retentionIn);
        before = b;
        m.shadow.register(Step.RETENTION.label, "restore binlog retention",
            () -> m.activities.retention.restoreRetention(m.retentionIn, b));
      }
      RetentionChange now = m.activities.retention.ensureRetention(m.retentionIn, before);
      if (now != null) m.step(Step.RETENTION).detail = now.note;
      return before;
    });
  }

  /** At finish: the retention goes back (also after a skipped step: whatever was read before any change). */
  void restore() {
    if (before != null) m.activities.retention.restoreRetention(m.retentionIn, before);
    m.shadow.retire(Step.RETENTION.label);
  }
}
