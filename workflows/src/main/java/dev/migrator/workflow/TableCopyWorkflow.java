package dev.migrator.workflow;

import dev.migrator.model.TableCopyInput;
import dev.migrator.model.TableCopyProgress;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Step 6 from a frozen copy, for one group of tables, as a child of the migration: plans page by
 * page ({@code planPage}), copies each page's chunks in batches ({@code copyChunks}, up to
 * {@code slots} in flight), reports progress to the parent at a bounded rate and continues as new
 * after {@code copy.activitiesPerRun} activities carrying only its cursor, so every run's history
 * is bounded whatever the size of the plan. Returns the group's totals.
 */
@WorkflowInterface
public interface TableCopyWorkflow {
  String WORKFLOW_TYPE = "MigrationTableCopy";

  @WorkflowMethod(name = WORKFLOW_TYPE)
  TableCopyProgress run(TableCopyInput input);

  /** The migration was paused (true: start no new batch) or resumed (false). */
  @SignalMethod
  void setPaused(boolean paused);
}
