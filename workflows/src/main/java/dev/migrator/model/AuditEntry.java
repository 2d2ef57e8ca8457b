package dev.migrator.model;

/**
 * One operator action in the status's audit trail: when (workflow time when the handler ran),
 * what, who, with which Temporal identity, and what came of it.
 */
public class AuditEntry {
  /** ISO-8601 instant, workflow time. */
  public String at;
  /** approve, approve-update, rollback, pause, resume, decide, cancel. */
  public String action;
  /** Who: the operator's name, or "unknown (Web UI / temporal CLI)" for the unattributed signals. */
  public String by;
  /** The Temporal client identity the action came with, when the sender said (null: see the history event). */
  public String identity;
  /** The argument and the outcome: "reason: ...", "retry", "refused: lag 45 s > 30 s", ... */
  public String detail;

  public AuditEntry() {}

  public AuditEntry(String at, String action, String by, String identity, String detail) {
    this.at = at;
    this.action = action;
    this.by = by;
    this.identity = identity;
    this.detail = detail;
  }

  @Override
  public String toString() {
    return at + " " + action + " by " + by + (identity == null ? "" : " (" + identity + ")")
        + (detail == null ? "" : ": " + detail);
  }
}
