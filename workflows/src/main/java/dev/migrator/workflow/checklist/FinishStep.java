package dev.migrator.workflow.checklist;

import dev.migrator.model.CutoverResult;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.Step;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
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
          try {
            m.activities.replication.dropReplicationUser(m.replicationIn);
            m.step(Step.FINISH).detail = account + " dropped on the source (migrator created it; replication.keepAccount"
                + " keeps it)";
          } catch (ActivityFailure e) {
            if (e.getCause() instanceof CanceledFailure) throw e; // a rollback, not a refusal
            // The old source stays read-only after the cutover; where nobody passes that (MySQL's
            // super_read_only) the DROP USER is refused too. Keeping it read-only matters more.
            String left = account + " left on the source: " + Failures.describe(e)
                + "; drop it there (DROP USER '" + r.replication.user + "'@'%') when the old source is retired";
            m.step(Step.FINISH).detail = left;
            m.status.warnings.add("finish: " + left);
          }
        }
      }
      return cut;
    });
  }
}
