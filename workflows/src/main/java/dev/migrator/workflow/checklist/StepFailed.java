package dev.migrator.workflow.checklist;

/** A step failed and the policy (or the operator) chose rollback; never leaves the workflow. */
public final class StepFailed extends RuntimeException {
  StepFailed(String message) {
    super(message, null, false, false);
  }
}
