package dev.migrator.workflow.checklist;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Decision;
import dev.migrator.model.LagReading;
import dev.migrator.model.OnFailure;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * A replication error at catch-up or while waiting for approval: the migration pauses with the
 * handbook's diagnosis and the decisions that fit the error's kind (or fails the step by the
 * failure policy), then carries out the decision: retry (start the threads again), skip one event
 * (1062/1032, a drift warning), next-log (1236 impossible position), rebuild, rollback.
 */
final class ReplicationErrors {
  private static final Logger log = Workflow.getLogger(ReplicationErrors.class);

  private final Migration m;
  private final OperatorGate gate;

  ReplicationErrors(Migration m, OperatorGate gate) {
    this.m = m;
    this.gate = gate;
  }

  /** Returns true when the operator chose "rebuild". */
  boolean handle(Step step, LagReading reading) {
    Decision d = await(step, reading);
    StepState st = m.step(step);
    switch (d) {
      case SKIP -> {
        String skipped = m.activities.replication.skipReplicationEvent(m.replicationIn);
        m.status.warnings.add(step.label + ": an operator skipped a replicated event (" + reading.errorKind + ": "
            + skipped + "); the target now differs from the source by that event (data drift)");
        st.detail = "skipped one event after " + reading.errorKind;
      }
      case NEXT_LOG -> {
        BinlogCoordinates c = m.activities.replication.moveToNextLog(m.replicationIn);
        m.status.warnings.add(step.label + ": an operator moved replication to the next binlog (" + c
            + ") after an impossible position; watch the target for inconsistencies");
        st.detail = "moved to " + c;
      }
      case REBUILD -> {
        st.detail = "rebuild chosen after " + reading.errorKind;
        m.status.warnings.add(step.label + ": rebuild " + (m.rebuilds + 1) + " chosen after " + reading.errorKind
            + ": undoing replicate, copy and schema and running them again");
        return true;
      }
      case ROLLBACK -> {
        String msg = step.label + ": replication error (" + reading.errorKind + "): " + reading.diagnosis;
        Migration.finish(st, StepState.FAILED, msg);
        throw new StepFailed(msg + " (operator chose rollback)");
      }
      default -> { // retry
        m.activities.replication.resumeReplication(m.replicationIn);
        if (m.pausesVisible) st.detail = "replication restarted after " + reading.errorKind;
      }
    }
    st.attempts++;
    return false;
  }

  private Decision await(Step step, LagReading reading) {
    StepState st = m.step(step);
    String msg = step.label + ": replication error (" + reading.errorKind + "): " + reading.diagnosis;
    log.warn(msg);
    if (m.onFailure() != OnFailure.PAUSE) {
      Migration.finish(st, StepState.FAILED, msg);
      throw new StepFailed(msg);
    }
    // Versioned: runs recorded before "nothing lost" did not keep the search attributes current here.
    Decision d = gate.await(step, msg, reading.errorKind.decisions(), m.safety || m.pausesVisible);
    st.state = StepState.RUNNING;
    if (m.rollbackRequested) throw new RollbackRequested();
    return d;
  }
}
