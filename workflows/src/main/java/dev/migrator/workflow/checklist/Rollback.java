package dev.migrator.workflow.checklist;

import dev.migrator.model.Phase;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * The shadow checklist run backwards: every registered undo, last registered first, in a scope
 * that survives the workflow's cancellation; a failed undo does not stop the others.
 */
final class Rollback {
  private static final Logger log = Workflow.getLogger(Rollback.class);

  private final Migration m;

  Rollback(Migration m) {
    this.m = m;
  }

  void run() {
    m.finalRollback = true;
    m.status.phase = Phase.ROLLING_BACK;
    m.status.paused = false;
    m.status.pausedReason = null;
    m.publish();
    log.info("rolling back: {}", m.rollbackReason);
    CancellationScope detached = Workflow.newDetachedCancellationScope(() -> {
      int failed = m.shadow.runAll();
      if (failed > 0) {
        m.status.warnings.add(failed + " compensation(s) failed; see the shadow checklist");
      }
    });
    detached.run();
  }
}
