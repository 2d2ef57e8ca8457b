package dev.migrator.workflow;

import dev.migrator.model.CopyProgress;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.OperatorAction;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One migration = one workflow running the checklist of PRODUCT.md section 2. Workflow type
 * {@value #WORKFLOW_TYPE}, task queue {@value #TASK_QUEUE} by default.
 */
@WorkflowInterface
public interface MigrationWorkflow {
  String WORKFLOW_TYPE = "MigrationWorkflow";
  String TASK_QUEUE = "migrator";

  @WorkflowMethod(name = WORKFLOW_TYPE)
  MigrationResult run(MigrationRequest request);

  /** The checklist, the shadow checklist, progress, lag and why it is paused. */
  @QueryMethod
  MigrationStatus status();

  /** Approves the cutover (step 11), for clients that cannot send Updates. */
  @SignalMethod
  void approve();

  /**
   * Approves the cutover as an Update: refused, with the reason, while replication is unhealthy
   * or lag is above the request's cutover.maxLagSecondsForApproval.
   */
  @UpdateMethod
  String approveCutover(String by);

  @UpdateValidatorMethod(updateName = "approveCutover")
  void validateApproveCutover(String by);

  /** Rolls back: runs the compensations of the completed steps in reverse order. */
  @SignalMethod
  void rollback(String reason);

  /** Pauses at the next step boundary. */
  @SignalMethod
  void pause(String reason);

  @SignalMethod
  void resume();

  /**
   * Answers a pause on an error with one of the status's allowedDecisions: retry, skip,
   * next-log, rebuild (replication errors at catch-up) or rollback.
   */
  @SignalMethod
  void decide(String action);

  // Attributed operator actions: the same as the signals and the update above, with who asks
  // (OperatorAction: by, the client's Temporal identity, the reason or decision) recorded in the
  // status's audit trail and, as the signal's argument, in the history. The migrator CLI sends
  // these; the ones above keep working (Web UI, temporal CLI, recorded histories) and are recorded
  // as "unknown (Web UI / temporal CLI)".

  /** {@link #approve()} with who approves. */
  @SignalMethod
  void approveBy(OperatorAction action);

  /** {@link #approveCutover(String)} with who approves (the same gate, the refusal returned). */
  @UpdateMethod
  String approveCutoverBy(OperatorAction action);

  @UpdateValidatorMethod(updateName = "approveCutoverBy")
  void validateApproveCutoverBy(OperatorAction action);

  /** {@link #rollback(String)} with who asks; {@code action.reason} is the reason. */
  @SignalMethod
  void rollbackBy(OperatorAction action);

  /** {@link #pause(String)} with who asks; {@code action.reason} is the reason. */
  @SignalMethod
  void pauseBy(OperatorAction action);

  /** {@link #resume()} with who asks. */
  @SignalMethod
  void resumeBy(OperatorAction action);

  /** {@link #decide(String)} with who decides; {@code action.decision} is the decision. */
  @SignalMethod
  void decideBy(OperatorAction action);

  /** Sent by long copy activities so that the status query shows live progress. */
  @SignalMethod
  void reportCopyProgress(CopyProgress progress);

  /** From a table-copy child: its cumulative progress (at a bounded rate, see ChunkedCopy). */
  @SignalMethod
  void reportTableCopy(dev.migrator.model.TableCopyProgress progress);

  /** Sent by the catch-up child workflow (at a bounded rate) so that the status shows the lag. */
  @SignalMethod
  void reportLag(LagReading reading);
}
