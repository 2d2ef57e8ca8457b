package dev.migrator.workflow;

import dev.migrator.activities.ReplicationActivities;
import dev.migrator.activities.StepInputs;
import dev.migrator.model.CatchUpInput;
import dev.migrator.model.LagReading;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** See {@link CatchUpWorkflow}. */
public class CatchUpWorkflowImpl implements CatchUpWorkflow {
  @Override
  public LagReading run(CatchUpInput in) {
    ReplicationActivities replication = Workflow.newActivityStub(ReplicationActivities.class,
        ActivityProfiles.lagPolls(in.activitySeconds));
    MigrationWorkflow parent = in.parentWorkflowId == null
        ? null
        : Workflow.newExternalWorkflowStub(MigrationWorkflow.class, in.parentWorkflowId);
    int pollSeconds = Math.max(1, in.request.replication.pollSeconds);
    if (in.watch) return watch(in, replication, parent, pollSeconds);
    for (int poll = 0; poll < in.pollsPerRun; poll++) {
      LagReading reading = replication.awaitCatchUp(StepInputs.replication(in.request), in.activitySeconds);
      in.polls++;
      reading.catchUpPolls = in.polls;
      reading.catchUpRun = in.run;
      if (reading.replica != null) {
        in.trend.add(reading.polledAtMillis, reading.replica.secondsBehind, in.request.retentionHours);
      }
      reading.trend = in.trend;
      if (reading.errorKind != null || reading.caughtUp) return reading;
      long now = Workflow.currentTimeMillis();
      if (parent != null && (in.lastReportAtMillis == 0 || now - in.lastReportAtMillis >= in.reportEverySeconds * 1000L)) {
        in.lastReportAtMillis = now;
        parent.reportLag(reading);
      }
      // The activity already waited; this short timer only keeps a fast-returning poll from spinning.
      Workflow.sleep(Duration.ofSeconds(pollSeconds));
    }
    in.run++;
    CatchUpWorkflow next = Workflow.newContinueAsNewStub(CatchUpWorkflow.class);
    return next.run(in);
  }

  /**
   * Watch mode (the migration waits for approval): polls until replication fails or pollsPerRun
   * polls are made (then returns a reading without error: the migration starts the next watch),
   * and reports to the parent whenever what the approval gate decides on changes, so an approval is
   * judged on a reading at most one poll old while history grows with changes, not with time.
   */
  private LagReading watch(CatchUpInput in, ReplicationActivities replication, MigrationWorkflow parent,
      int pollSeconds) {
    for (int poll = 0; poll < in.pollsPerRun; poll++) {
      LagReading reading = replication.watchReplication(StepInputs.replication(in.request), in.activitySeconds, in.maxLagSeconds);
      in.polls++;
      reading.catchUpPolls = in.polls;
      reading.catchUpRun = in.run;
      if (reading.replica != null) {
        in.trend.add(reading.polledAtMillis, reading.replica.secondsBehind, in.request.retentionHours);
      }
      reading.trend = in.trend;
      if (reading.errorKind != null) return reading;
      String gate = reading.gateState(in.maxLagSeconds);
      long now = Workflow.currentTimeMillis();
      if (parent != null && (!gate.equals(in.lastReportedGate)
          || now - in.lastReportAtMillis >= in.reportEverySeconds * 1000L)) {
        in.lastReportedGate = gate;
        in.lastReportAtMillis = now;
        parent.reportLag(reading);
      }
      Workflow.sleep(Duration.ofSeconds(pollSeconds));
    }
    // A watch ends by itself after its polls (the migration starts the next one): if its
    // cancellation is lost, it still stops polling within pollsPerRun polls.
    LagReading last = new LagReading();
    last.trend = in.trend;
    last.catchUpPolls = in.polls;
    last.catchUpRun = in.run;
    last.progress = "watch-ended";
    return last;
  }
}
