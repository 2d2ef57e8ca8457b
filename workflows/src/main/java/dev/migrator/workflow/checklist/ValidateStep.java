package dev.migrator.workflow.checklist;

import dev.migrator.model.FailureType;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.Phase;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import dev.migrator.workflow.RequestValidator;
import io.temporal.workflow.Workflow;
import java.util.List;

/** Step 0: the request, checked without side effects (the CLI runs the same checks first). */
final class ValidateStep {
  private final Migration m;

  ValidateStep(Migration m) {
    this.m = m;
  }

  /** Names the migration, then fails the workflow (InvalidRequest, nothing changed) on any problem. */
  void run(MigrationRequest request) {
    String id = request != null && request.migrationId != null && !request.migrationId.isBlank()
        ? request.migrationId
        : Workflow.getInfo().getWorkflowId();
    m.status.migrationId = id;
    List<String> problems = RequestValidator.problems(request);
    StepState v = m.step(Step.VALIDATE);
    v.startedAtMillis = Workflow.currentTimeMillis();
    Migration.finish(v, problems.isEmpty() ? StepState.DONE : StepState.FAILED,
        problems.isEmpty() ? "request is valid" : String.join("; ", problems));
    if (!problems.isEmpty()) {
      m.status.phase = Phase.FAILED;
      m.status.error = "invalid request: " + String.join("; ", problems)
          + (request != null && !request.inputProblems.isEmpty()
              ? ". Fix: correct the field(s) named in the request and start a new migration with it (a workflow's"
                  + " input cannot be changed); 'migrator start -f request.json' checks a request before it starts"
              : "");
      m.publish();
      throw FailureType.INVALID_REQUEST.failure(m.status.error);
    }
    request.migrationId = id;
  }
}
