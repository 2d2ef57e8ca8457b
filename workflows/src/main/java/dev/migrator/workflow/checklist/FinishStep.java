package dev.migrator.workflow.checklist;

import dev.migrator.model.CutoverResult;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.Step;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Step 13: the optional grace period (a rollback still switches back without loss), then reverse
 * replication stops, binlog retention goes back, and the target schemas and accounts are the application's.
 * Nothing to undo afterwards.
 */
final class FinishStep {
  private final Migration m;
  private final StepRunner runner;

  FinishStep(Migration m, StepRunner runner) {
    this.m = m;
    this.runner = runner;
  }

  void run(CutoverResult cut, CutoverStep cutover, RetentionStep retention, SchemaStep schema, AccountsStep accounts) {
    MigrationRequest r = m.request;
    runner.run(Step.FINISH, () -> {
      if (r.cutover.gracePeriodSeconds > 0) {
        String waiting = "grace period: " + (cutover.reverseStarted() ? "reverse replication runs; " : "")
            + "'migrator rollback " + m.status.migrationId + "' switches back without losing writes";
        m.status.pausedReason = waiting;
        m.publish();
        Workflow.await(Duration.ofSeconds(r.cutover.gracePeriodSeconds), () -> m.rollbackRequested);
        if (waiting.equals(m.status.pausedReason)) m.status.pausedReason = null;
        m.publish();
        m.checkRollback();
      }
      if (cutover.reverseStarted()) m.activities.cutover.stopReverseReplication(m.cutoverIn);
      retention.restore();
      schema.release();
      accounts.release();
      // Nothing replicates from the source any more (reverse replication stopped above): the account
      // this migration created there goes, unless the request keeps it. Versioned: runs recorded before replay without it.
      if (m.replicationAccountCreated && !r.rehearsal && Workflow.getVersion("drop-replication-account", Workflow.DEFAULT_VERSION, 1) >= 1) {
        String account = "replication account '" + r.replication.user + "'@'%'";
        if (r.replication.keepAccount) {
          m.step(Step.FINISH).detail = account + " kept on the source (replication.keepAccount)";
        } else {
          m.activities.replication.dropReplicationUser(m.replicationIn);
          m.step(Step.FINISH).detail = account + " dropped on the source (migrator created it; replication.keepAccount"
              + " keeps it)";
        }
      }
      return cut;
    });
  }
}
