package dev.migrator.workflow;

import dev.migrator.model.CopyProgress;
import dev.migrator.model.FailureType;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
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
      return end(Phase.COMPLETED, MigrationResult.COMPLETED);
    } catch (RollbackRequested | CanceledFailure e) {
      if (e instanceof CanceledFailure) m.requestedRollbackReason("workflow cancelled");
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
    return m.approveByUpdate(by);
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
    m.approveBySignal();
  }

  @Override
  public void rollback(String reason) {
    m.requestRollback(reason);
  }

  @Override
  public void pause(String reason) {
    m.requestPause(reason);
  }

  @Override
  public void resume() {
    m.resume();
  }

  @Override
  public void decide(String action) {
    m.decide(action);
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
