package dev.migrator.workflow.checklist;

import dev.migrator.model.CatchUpInput;
import dev.migrator.model.LagReading;
import dev.migrator.model.LagTrend;
import dev.migrator.model.Step;
import dev.migrator.workflow.CatchUpWorkflow;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;

/**
 * Step 10: a catch-up child workflow polls until the target has executed the source's current
 * position, stably, or a replication thread fails (then {@link ReplicationErrors}). Reads only: no
 * undo of its own.
 */
final class CatchUpStep {
  private final Migration m;
  private final StepRunner runner;
  private final ReplicationErrors errors;
  private int children;

  CatchUpStep(Migration m, StepRunner runner, ReplicationErrors errors) {
    this.m = m;
    this.runner = runner;
    this.errors = errors;
  }

  /** False when the operator chose "rebuild". */
  boolean run() {
    Boolean caughtUp = runner.run(Step.CATCH_UP, this::catchUp);
    return caughtUp == null || caughtUp;
  }

  private Boolean catchUp() {
    LagTrend trend = null;
    while (true) {
      CatchUpInput in = new CatchUpInput();
      in.request = m.request;
      in.parentWorkflowId = Workflow.getInfo().getWorkflowId();
      in.pollsPerRun = Math.max(1, m.request.replication.pollsPerRun);
      in.reportEverySeconds = Math.max(0, m.request.replication.lagReportSeconds);
      if (trend != null) in.trend = trend;
      children++;
      CatchUpWorkflow child = Workflow.newChildWorkflowStub(CatchUpWorkflow.class, ChildWorkflowOptions.newBuilder()
          .setWorkflowId(in.parentWorkflowId + "-catch-up-" + children)
          .build());
      LagReading reading = child.run(in);
      m.reportLag(reading);
      trend = reading.trend;
      if (reading.errorKind != null) {
        if (errors.handle(Step.CATCH_UP, reading)) return false;
        continue;
      }
      if (reading.caughtUp) {
        if (m.pauseRequested) {
          // Paused while caught up: wait, then confirm again with fresh readings.
          m.setPaused(null);
          if (m.pausesVisible) m.publish();
          Workflow.await(() -> !m.pauseRequested || m.rollbackRequested);
          m.setRunning();
          if (m.pausesVisible) m.publish();
          m.checkRollback();
          continue;
        }
        m.step(Step.CATCH_UP).detail = "caught up at " + reading.sourcePosition;
        return true;
      }
      m.checkRollback();
    }
  }
}
