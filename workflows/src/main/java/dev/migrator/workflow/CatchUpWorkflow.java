package dev.migrator.workflow;

import dev.migrator.model.CatchUpInput;
import dev.migrator.model.LagReading;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Step 10's polling, as a child of the migration so that days of catch-up do not grow the
 * migration's history: polls with the long-polling {@code awaitCatchUp} activity, keeps the lag
 * trend, reports the latest reading to the parent at most every {@code reportEverySeconds}, and
 * continues as new every {@code pollsPerRun} polls. Returns the reading that ends the wait: caught
 * up, or a replication error.
 */
@WorkflowInterface
public interface CatchUpWorkflow {
  String WORKFLOW_TYPE = "MigrationCatchUp";

  @WorkflowMethod(name = WORKFLOW_TYPE)
  LagReading run(CatchUpInput input);
}
