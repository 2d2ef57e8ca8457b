package dev.migrator.cli;

import dev.migrator.model.AuditEntry;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Phase;
import dev.migrator.model.CompensationState;
import dev.migrator.model.CopyProgress;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.StepState;
import java.util.Locale;

/** Renders a MigrationStatus as the checklist an operator reads. */
public final class StatusPrinter {
  private StatusPrinter() {}

  public static String render(MigrationStatus s) {
    StringBuilder b = new StringBuilder();
    b.append("migration ").append(s.migrationId).append(": ").append(s.phase);
    if (s.currentStep != null) b.append(" (step ").append(s.currentStep).append(')');
    b.append('\n');
    if (s.paused || s.pausedReason != null) {
      b.append("  waiting: ").append(s.pausedReason).append('\n');
      if (!s.allowedDecisions.isEmpty()) b.append("  decide with: migrator decide ").append(s.migrationId)
          .append(' ').append(String.join("|", dev.migrator.model.Decision.wires(s.allowedDecisions))).append('\n');
    }
    if (s.rollbackReason != null && (s.phase == Phase.ROLLING_BACK || s.phase == Phase.ROLLED_BACK
        || s.phase == Phase.FAILED)) {
      b.append("  rollback: ").append(s.rollbackReason).append('\n');
    }
    b.append(String.format(Locale.ROOT, "%n  %-3s %-10s %-8s %10s  %s%n", "#", "step", "state", "duration", "detail"));
    for (StepState st : s.steps) {
      b.append(String.format(Locale.ROOT, "  %-3d %-10s %-8s %10s  %s%n", st.number, st.name, st.state,
          duration(st.durationMillis, st.startedAtMillis, st.endedAtMillis), st.detail == null ? "" : clip(st.detail)));
    }
    if (!s.shadow.isEmpty()) {
      b.append(s.phase == Phase.COMPLETED ? "\n  shadow checklist (retired: the migration completed):\n"
          : "\n  shadow checklist (undo, runs last-first on rollback):\n");
      for (CompensationState c : s.shadow) {
        b.append(String.format(Locale.ROOT, "    %-10s %-8s %s%s%n", c.step, c.state, c.action,
            c.detail == null ? "" : " -- " + clip(c.detail)));
      }
    }
    if (s.frozen != null) {
      // In full (file, position, GTID set): what the copy matches and replication starts from.
      b.append("\n  frozen copy: ").append(s.frozen.method)
          .append(s.frozen.endpoint == null ? " (the source, inside one snapshot)" : " at " + s.frozen.endpoint.address())
          .append('\n');
      BinlogCoordinates c = s.frozen.coordinates;
      b.append("  freeze coordinates: ").append(c == null ? "not known yet"
          : "file " + c.file + ", position " + c.position + ", GTID set "
              + (c.gtidSet == null || c.gtidSet.isEmpty() ? "(none)" : c.gtidSet)).append('\n');
    }
    CopyProgress p = s.copy;
    if (p != null) {
      b.append(String.format(Locale.ROOT, "%n  copy: tables %d/%d, chunks %d/%s, %,d rows, %.1f MiB, %.0f rows/s%s%n",
          p.tablesDone, p.tablesTotal, p.chunksDone, p.chunksTotal == 0 ? "?" : String.valueOf(p.chunksTotal),
          p.rows, p.bytes / 1048576.0, p.rowsPerSecond, p.etaSeconds == null ? "" : ", ETA " + p.etaSeconds + " s"));
      if (p.sizing != null) {
        b.append("  parallelism: ").append(p.sizing).append(p.sizing.notes.isEmpty() ? "" : "; " + String.join("; ", p.sizing.notes))
            .append('\n');
      }
    }
    if (s.lag != null && s.lag.replica != null) {
      b.append("  replication: lag ").append(s.lag.replica.secondsBehind == null ? "?" : s.lag.replica.secondsBehind + " s")
          .append(", executed ").append(s.lag.replica.executed()).append(" / source ").append(s.lag.sourcePosition)
          .append(s.lag.caughtUp ? " (caught up)" : s.lag.progress == null ? "" : " (" + s.lag.progress + ")").append('\n');
      if (s.lag.heartbeatLagMillis != null) b.append("  heartbeat lag: ").append(s.lag.heartbeatLagMillis).append(" ms\n");
      if (s.lag.trend != null && (s.lag.trend.etaSeconds != null || s.lag.trend.warning != null)) {
        b.append("  trend: ").append(s.lag.trend.slope == null ? "" : String.format(java.util.Locale.ROOT, "%+.3f s/s", s.lag.trend.slope))
            .append(s.lag.trend.etaSeconds == null ? "" : ", ETA " + s.lag.trend.etaSeconds + " s")
            .append(s.lag.trend.warning == null ? "" : "; " + s.lag.trend.warning).append('\n');
      }
      if (s.lag.diagnosis != null) b.append("  diagnosis: ").append(s.lag.diagnosis).append('\n');
    }
    // A source outage while replicating: the IO thread reconnects by itself; say for how long it has.
    if (s.replicationNote != null) b.append("  replication note: ").append(s.replicationNote).append('\n');
    if (s.cutover != null) {
      b.append("  cutover: final position ").append(s.cutover.finalPosition).append(", writes refused for ")
          .append(s.cutover.writeDowntimeMillis).append(" ms\n");
      if (s.cutover.events != null) b.append("  events: ").append(s.cutover.events).append('\n');
    }
    if (s.accounts != null) {
      // Step 5: what was created, stripped and synced, by name (never a password or hash).
      b.append("  accounts (").append(s.accounts.mode).append("):\n");
      for (String line : s.accounts.statusLines()) b.append("    ").append(line).append('\n');
    }
    for (String w : s.warnings) b.append("  warning: ").append(w).append('\n');
    audit(b, s);
    if (s.error != null) b.append("  error: ").append(s.error).append('\n');
    return b.toString();
  }

  /** The audit trail: who did what, when (workflow time), with which Temporal identity. */
  static void audit(StringBuilder b, MigrationStatus s) {
    if (s.audit == null || s.audit.isEmpty()) return;
    b.append("\n  audit trail (operator actions, workflow time):\n");
    if (s.auditDropped > 0) b.append("    (").append(s.auditDropped).append(" older entries dropped)\n");
    boolean unattributed = false;
    for (AuditEntry e : s.audit) {
      unattributed |= e.identity == null;
      b.append(String.format(Locale.ROOT, "    %-24s %-8s by %s%s%s%n", e.at, e.action, e.by,
          e.identity == null ? "" : " (" + e.identity + ")", e.detail == null ? "" : " -- " + clip(e.detail)));
    }
    if (unattributed) {
      b.append("    (without an identity: the sender's Temporal identity is on the signal's or update's event"
          + " in the history)\n");
    }
  }

  static String duration(Long ms, Long start, Long end) {
    if (ms == null) return start != null && end == null ? "running" : "";
    if (ms < 1000) return ms + " ms";
    if (ms < 120_000) return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    return String.format(Locale.ROOT, "%dm%02ds", ms / 60000, (ms / 1000) % 60);
  }

  private static String clip(String s) {
    return s.length() > 160 ? s.substring(0, 157) + "..." : s;
  }
}
