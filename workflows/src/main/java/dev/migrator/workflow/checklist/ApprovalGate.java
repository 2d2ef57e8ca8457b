package dev.migrator.workflow.checklist;

import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Phase;

/** Decides whether a cutover approval may be accepted now, and says why not. */
final class ApprovalGate {
  private ApprovalGate() {}

  /** Null when approval is acceptable, otherwise the reason it is refused. */
  static String refusal(MigrationStatus s, int maxLagSeconds) {
    if (s.phase != Phase.RUNNING && s.phase != Phase.PAUSED) {
      return "the migration is " + s.phase;
    }
    LagReading lag = s.lag;
    if (lag != null && lag.errorKind != null) {
      return "replication is failing: " + lag.diagnosis;
    }
    if (lag == null || lag.replica == null) {
      return "replication has not started yet (step " + s.currentStep + "); approve once catch-up has run";
    }
    if (!lag.replica.ioRunning || !lag.replica.sqlRunning) {
      return "replication threads are not both running (IO " + lag.replica.ioRunning + ", SQL "
          + lag.replica.sqlRunning + ")";
    }
    if (lag.replica.secondsBehind == null || lag.replica.secondsBehind > maxLagSeconds) {
      return "replication lag is " + (lag.replica.secondsBehind == null ? "unknown" : lag.replica.secondsBehind + " s")
          + ", above the request's cutover.maxLagSecondsForApproval of " + maxLagSeconds + " s";
    }
    return null;
  }
}
