package dev.migrator.workflow;

import dev.migrator.model.CopyProgress;
import dev.migrator.model.Decision;
import dev.migrator.model.FailureType;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.OperatorAction;
import dev.migrator.model.Phase;
import dev.migrator.model.TableCopyProgress;
import dev.migrator.workflow.checklist.Checklist;
import dev.migrator.workflow.checklist.Migration;
import dev.migrator.workflow.checklist.RollbackRequested;
import dev.migrator.workflow.checklist.StepFailed;
import io.temporal.failure.CanceledFailure;

/**
 * One migration: the checklist (see {@link Checklist}: one class per step, each with its undo),
 * how it ends (completed, rehearsed and rolled back, rolled back, failed), and the signals, the
 * update and the query operators use. Deterministic orchestration only: every effect is an
 * activity, every wait a Temporal timer or condition.
 */
public class MigrationWorkflowImpl implements MigrationWorkflow {
  private final Migration m = new Migration();
  private final Checklist checklist = new Checklist(m);
  private final AuditTrail audit = new AuditTrail(m.status);

  @Override
  public MigrationResult run(MigrationRequest request) {
    m.readVersions();
    checklist.validate(request);
    try {
      checklist.run();
      if (request.rehearsal) {
        // A rehearsal proves the way back too: it rolls everything back once it has finished.
        m.requestedRollbackReason("rehearsal: rolling back after a complete run");
        checklist.rollBack();
        return end(Phase.ROLLED_BACK, MigrationResult.ROLLED_BACK);
      }
      m.status.currentStep = null;
      m.completed();
      return end(Phase.COMPLETED, MigrationResult.COMPLETED);
    } catch (RollbackRequested | CanceledFailure e) {
      if (e instanceof CanceledFailure) {
        m.requestedRollbackReason("workflow cancelled");
        audit.unattributed("cancel", "workflow cancelled: rolling back");
      }
      checklist.rollBack();
      return end(Phase.ROLLED_BACK, MigrationResult.ROLLED_BACK);
    } catch (StepFailed e) {
      m.status.error = e.getMessage();
      m.requestedRollbackReason("step failed: " + e.getMessage());
      checklist.rollBack();
      m.status.phase = Phase.FAILED;
      m.publish();
      throw FailureType.MIGRATION_FAILED.failure("migration failed and was rolled back: " + e.getMessage());
    }
  }

  private MigrationResult end(Phase phase, String outcome) {
    m.status.phase = phase;
    m.publish();
    return new MigrationResult(outcome, m.status);
  }

  // ---------------------------------------------------------------------------------------------
  // Signals, updates and queries.

  @Override
  public String approveCutover(String by) {
    String answer = m.approveByUpdate(by);
    // The update names who approves but not the client's identity (that is in the history's update event).
    audit.record("approve", by == null || by.isBlank() ? AuditTrail.UNKNOWN : by, null, "approved (update approveCutover)");
    return answer;
  }

  @Override
  public void validateApproveCutover(String by) {
    String why = m.approvalRefusal();
    if (why != null) throw new IllegalStateException("approval refused: " + why);
  }

  @Override
  public MigrationStatus status() {
    return m.status;
  }

  @Override
  public void approve() {
    boolean accepted = m.approveBySignal();
    audit.unattributed("approve", accepted ? "approved (signal approve)" : refusal());
  }

  @Override
  public void rollback(String reason) {
    m.requestRollback(reason);
    audit.unattributed("rollback", "reason: " + reason);
  }

  @Override
  public void pause(String reason) {
    m.requestPause(reason);
    audit.unattributed("pause", "reason: " + reason);
  }

  @Override
  public void resume() {
    String detail = resumeDetail();
    m.resume();
    audit.unattributed("resume", detail);
  }

  @Override
  public void decide(String action) {
    String detail = decisionDetail(action);
    m.decide(action);
    audit.unattributed("decide", detail);
  }

  // Attributed: the same, with who asks.

  @Override
  public void approveBy(OperatorAction a) {
    boolean accepted = m.approveBySignal();
    audit.record("approve", a, accepted ? "approved (signal approveBy)" : refusal());
  }

  @Override
  public String approveCutoverBy(OperatorAction a) {
    String answer = m.approveByUpdate(a == null ? null : a.by);
    audit.record("approve", a, "approved (update approveCutoverBy)");
    return answer;
  }

  @Override
  public void validateApproveCutoverBy(OperatorAction a) {
    validateApproveCutover(a == null ? null : a.by);
  }

  @Override
  public void rollbackBy(OperatorAction a) {
    String reason = a == null ? null : a.reason;
    m.requestRollback(reason);
    audit.record("rollback", a, "reason: " + reason);
  }

  @Override
  public void pauseBy(OperatorAction a) {
    String reason = a == null ? null : a.reason;
    m.requestPause(reason);
    audit.record("pause", a, "reason: " + reason);
  }

  @Override
  public void resumeBy(OperatorAction a) {
    String detail = resumeDetail();
    m.resume();
    audit.record("resume", a, detail);
  }

  @Override
  public void decideBy(OperatorAction a) {
    String decision = a == null ? null : a.decision;
    String detail = decisionDetail(decision);
    m.decide(decision);
    audit.record("decide", a, detail);
  }

  /** "approve signal refused: ..." as the status says. */
  private String refusal() {
    return m.status.approvalRefused;
  }

  private String resumeDetail() {
    return m.status.paused ? "was paused: " + m.status.pausedReason
        : "was not paused yet (a pause asked for takes effect at the next step boundary: it is withdrawn)";
  }

  /** The decision, and whether the migration could take it when it arrived. */
  private String decisionDetail(String action) {
    Decision d = Decision.parse(action == null ? null : action.trim().toLowerCase());
    if (d != null && m.status.allowedDecisions.contains(d)) return action.trim().toLowerCase();
    return action + " (not allowed then; allowed: " + Decision.wires(m.status.allowedDecisions) + ")";
  }

  @Override
  public void reportCopyProgress(CopyProgress progress) {
    m.reportCopyProgress(progress);
  }

  @Override
  public void reportTableCopy(TableCopyProgress progress) {
    m.reportTableCopy(progress);
  }

  @Override
  public void reportLag(LagReading reading) {
    m.reportLag(reading);
  }
}
