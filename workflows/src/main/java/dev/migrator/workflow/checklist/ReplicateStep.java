package dev.migrator.workflow.checklist;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.ChannelTls;
import dev.migrator.model.ReadOnlyGuard;
import dev.migrator.model.Step;

/**
 * Step 9: the replication account on the source (created, not binlogged, if missing), the target
 * replicating from the frozen copy's coordinates, and the target read-only until the cutover.
 * Undos, last registered first: make the target writable again, stop and reset replication, drop
 * the account if this migration created it.
 */
final class ReplicateStep {
  private final Migration m;
  private final StepRunner runner;

  ReplicateStep(Migration m, StepRunner runner) {
    this.m = m;
    this.runner = runner;
  }

  void run(BinlogCoordinates from) {
    runner.run(Step.REPLICATE, () -> {
      // Read first, so that an account that existed before is never dropped by the rollback.
      boolean existed = m.activities.replication.replicationUserExists(m.replicationIn);
      m.replicationAccountCreated = m.request.replication.createUser && !existed;
      if (m.replicationAccountCreated) {
        m.shadow.register(Step.REPLICATE.label, "drop the replication account",
            () -> m.activities.replication.dropReplicationUser(m.replicationIn));
      }
      m.shadow.register(Step.REPLICATE.label, "stop and reset replication on the target",
          () -> m.activities.replication.stopAndResetReplication(m.replicationIn));
      if (m.safety) {
        // Runs before the reset above on a rollback: the reset drops the heartbeat table there.
        boolean wasReadOnly = m.status.preflight != null && Boolean.TRUE.equals(m.status.preflight.targetReadOnly);
        m.shadow.register(Step.REPLICATE.label, "make the target writable again (read-only while it replicated)",
            () -> m.activities.cutover.unguardTarget(m.cutoverIn, wasReadOnly));
      }
      m.activities.replication.ensureReplicationUser(m.replicationIn);
      // How the channel uses TLS (null when replaying a run recorded before the activity said so).
      ChannelTls tls = m.activities.replication.startReplication(m.replicationIn, from);
      if (tls != null) m.warn("replicate: ", tls.warnings);
      if (m.safety) {
        // Nothing but replication may write to the target until the cutover (1062/1032 come from such writes).
        ReadOnlyGuard g = m.activities.cutover.guardTarget(m.cutoverIn);
        m.status.targetGuard = g;
        m.step(Step.REPLICATE).detail = "the target is read-only until the cutover: " + g.how;
        if (!g.guarded || g.note != null) {
          m.status.warnings.add("replicate: " + (g.note != null ? g.note : "the target stays writable while it replicates"));
        }
      }
      return null;
    });
  }
}
