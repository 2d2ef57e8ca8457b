package dev.migrator.workflow.checklist;

/** Thrown inside the workflow to unwind to the rollback; never leaves the workflow. */
public final class RollbackRequested extends RuntimeException {
  RollbackRequested() {
    super(null, null, false, false);
  }
}
