package dev.migrator.workflow;

import dev.migrator.model.AuditEntry;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.OperatorAction;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;

/**
 * The status's audit trail: one entry per operator action, appended by the signal and update
 * handlers. Deterministic and command-free (workflow time, status fields only), so it is rebuilt
 * the same way when a history replays, including histories recorded before the trail existed.
 * Bounded: the oldest entries make room for new ones beyond {@link #MAX_ENTRIES}.
 */
final class AuditTrail {
  static final int MAX_ENTRIES = 100;
  /** Who sent one of the unattributed signals (the Web UI, the temporal CLI, an older migrator CLI). */
  static final String UNKNOWN = "unknown (Web UI / temporal CLI)";

  private final MigrationStatus status;

  AuditTrail(MigrationStatus status) {
    this.status = status;
    if (status.audit == null) status.audit = new ArrayList<>();
  }

  /** An attributed action (the *By signals and update). */
  void record(String action, OperatorAction who, String detail) {
    String by = who == null || blank(who.by) ? UNKNOWN : who.by;
    record(action, by, who == null || blank(who.identity) ? null : who.identity, detail);
  }

  /** An unattributed one: its sender's identity is only in its history event. */
  void unattributed(String action, String detail) {
    record(action, UNKNOWN, null, detail);
  }

  void record(String action, String by, String identity, String detail) {
    String at = Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
    status.audit.add(new AuditEntry(at, action, by, identity, detail));
    while (status.audit.size() > MAX_ENTRIES) {
      status.audit.remove(0);
      status.auditDropped++;
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
