package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/** Everything the status query returns: checklist, shadow checklist, progress, lag, pauses. */
public class MigrationStatus {
  public String migrationId;
  /** running, paused, rolling-back, completed, rolled-back, failed. */
  public Phase phase = Phase.RUNNING;
  public String currentStep;
  public boolean paused;
  public String pausedReason;
  /** Decisions an operator may take now (retry, skip, rollback, ...), when paused on an error. */
  public List<Decision> allowedDecisions = new ArrayList<>();

  public List<StepState> steps = new ArrayList<>();
  public List<CompensationState> shadow = new ArrayList<>();
  public PreflightReport preflight;
  public FrozenCopy frozen;
  public CopyProgress copy;
  public VerifyResult verify;
  public LagReading lag;
  /**
   * The latest lag reading's note while replication needs no decision yet but an operator should
   * know, e.g. "source unreachable for 40 s (...); replication retries every 5 s"; null otherwise.
   */
  public String replicationNote;
  public CutoverResult cutover;
  public List<String> warnings = new ArrayList<>();
  /** Why the last approval (signal or update) was refused, or withdrawn before the cutover started. */
  public String approvalRefused;
  /** How the target is kept read-only from replication until the cutover (replicate step). */
  public ReadOnlyGuard targetGuard;
  /** How the cutover stopped writes on the source, and who could still write. */
  public SourceFence sourceFence;
  /** Step 5: accounts copied, compared and synced (null when accounts.mode is none). */
  public AccountsStatus accounts;
  public String error;
  /** Why it rolls (or rolled) back: the operator's reason ({@code rollback --reason}) or the workflow's. */
  public String rollbackReason;
  /**
   * Operator actions, oldest first (at most {@code AuditTrail.MAX_ENTRIES}: older ones are
   * dropped and counted in {@link #auditDropped}). Null in the status of a worker that predates
   * the audit trail (the CLI then falls back to the unattributed signals).
   */
  public List<AuditEntry> audit;
  public int auditDropped;
}
