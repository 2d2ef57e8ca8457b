package dev.migrator.workflow.checklist;

import dev.migrator.model.CatchUpInput;
import dev.migrator.model.FailureType;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import dev.migrator.workflow.CatchUpWorkflow;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 11: the approval (the approveCutover update or the approve signal, through one gate; or
 * automatically) and the cutover window, while short watch children poll replication at the
 * catch-up's pace. A replication error pauses with catch-up's diagnosis and decisions; right before
 * the cutover a fresh reading must pass the gate again, else the approval is withdrawn. Waits only:
 * no undo.
 */
final class ApproveStep {
  /** Polls of one watch child: short children, so one left behind after an approval stops soon. */
  static final int WATCH_POLLS = 10;

  private final Migration m;
  private final StepRunner runner;
  private final ReplicationErrors errors;
  private final AccountsStep accounts;
  private int watches;

  ApproveStep(Migration m, StepRunner runner, ReplicationErrors errors, AccountsStep accounts) {
    this.m = m;
    this.runner = runner;
    this.errors = errors;
    this.accounts = accounts;
  }

  /** False when the operator chose "rebuild" while waiting. */
  boolean run() {
    Boolean approved = runner.run(Step.APPROVE, () -> {
      m.awaitingApproval = m.pausesVisible;
      try {
        return approveWatchingReplication();
      } finally {
        m.awaitingApproval = false;
      }
    });
    return approved == null || approved;
  }

  /** Set back to pending after a rebuild chosen while waiting. */
  void pendingAfterRebuild() {
    StepState approve = m.step(Step.APPROVE);
    approve.state = StepState.PENDING;
    approve.detail = "rebuild " + m.rebuilds + " pending";
  }

  private Boolean approveWatchingReplication() {
    MigrationRequest r = m.request;
    StepState st = m.step(Step.APPROVE);
    boolean auto = r.cutover.autoApprove || r.rehearsal;
    while (true) {
      if (auto) {
        m.approved = true;
        st.detail = r.rehearsal ? "rehearsal: approved itself" : "approved automatically";
      }
      String waiting = "waiting for approval: run 'migrator approve " + m.status.migrationId + "'";
      if (!m.approved) {
        m.status.pausedReason = waiting;
        m.publish();
      }
      LagReading failed = watchUntilApprovedAndWindowOpen(r);
      if (failed != null) m.reportLag(failed); // the gate and the status see the failing reading
      if (m.status.pausedReason != null && (m.status.pausedReason.equals(waiting)
          || m.status.pausedReason.startsWith("approved; waiting for the cutover window"))) {
        m.status.pausedReason = null;
      }
      m.publish();
      m.checkRollback();
      if (failed == null) {
        if (r.cutover.notAfter != null && !r.cutover.notAfter.isBlank()
            && Workflow.currentTimeMillis() > Instant.parse(r.cutover.notAfter).toEpochMilli()) {
          throw FailureType.WINDOW_CLOSED.failure("the cutover window closed at " + r.cutover.notAfter
              + ": roll back, or retry to cut over anyway");
        }
        // A fresh reading right before the cutover: the gate decides on it, not on an old report.
        LagReading before = m.status.lag;
        failed = m.activities.replication.awaitCatchUp(m.replicationIn, 0);
        if (before != null) { // one more reading of the same series: keep the trend and the poll count
          failed.trend = before.trend;
          failed.catchUpPolls = before.catchUpPolls;
          failed.catchUpRun = before.catchUpRun;
        }
        m.reportLag(failed);
        String why = failed.errorKind != null ? "replication is failing: " + failed.diagnosis
            : auto ? null : m.approvalRefusal();
        if (why == null && failed.errorKind == null) {
          // copy-and-sync: accounts changed on the source since the copy must be ones the target can take.
          why = accounts.beforeApproval();
          if (why != null && auto) throw FailureType.ACCOUNTS_REFUSED.failure(why);
        }
        if (why == null) {
          if (!auto) st.detail = "approved" + (m.approvedBy == null ? "" : " by " + m.approvedBy);
          return true;
        }
        if (failed.errorKind == null) {
          m.approved = false;
          m.status.approvalRefused = "approval withdrawn before the cutover: " + why + "; approve again";
          continue;
        }
      }
      // Replication failed while waiting: the approval (if any) no longer holds.
      if (!auto && m.approved) {
        m.status.approvalRefused = "approval withdrawn: replication failed (" + failed.errorKind + "); approve again"
            + " once it is healthy";
      }
      m.approved = false;
      if (errors.handle(Step.APPROVE, failed)) return false;
    }
  }

  /**
   * Watch children until the migration is approved and the cutover window is open (returns null;
   * also on a rollback request) or replication fails (returns that reading).
   */
  private LagReading watchUntilApprovedAndWindowOpen(MigrationRequest r) {
    while (true) {
      if (m.rollbackRequested || (m.approved && windowOpensInMillis(r) <= 0)) return null; // nothing to wait for
      LagReading failed = watchOnce(r);
      if (failed != null) return failed;
    }
  }

  /**
   * One watch child: returns its error reading, or null once it made its polls, the migration was
   * approved (with the window open) or a rollback was asked for. A child no longer needed is left to
   * end by itself (within {@link #WATCH_POLLS} read-only polls; its reports are ignored once the
   * cutover started): cancelling it could race its activity's completion, which the Java test
   * service does not resolve.
   */
  private LagReading watchOnce(MigrationRequest r) {
    CatchUpInput in = new CatchUpInput();
    in.request = r;
    in.parentWorkflowId = Workflow.getInfo().getWorkflowId();
    in.pollsPerRun = Math.max(1, Math.min(WATCH_POLLS, r.replication.pollsPerRun));
    in.reportEverySeconds = Math.max(0, r.replication.lagReportSeconds);
    in.watch = true;
    in.maxLagSeconds = r.cutover.maxLagSecondsForApproval;
    if (m.status.lag != null && m.status.lag.trend != null) in.trend = m.status.lag.trend;
    watches++;
    CatchUpWorkflow child = Workflow.newChildWorkflowStub(CatchUpWorkflow.class, ChildWorkflowOptions.newBuilder()
        .setWorkflowId(in.parentWorkflowId + "-approval-watch-" + watches)
        .build());
    // Detached: a rollback or cancellation of the migration does not cancel it (see above).
    List<Promise<LagReading>> watch = new ArrayList<>(1);
    Workflow.newDetachedCancellationScope(() -> watch.add(Async.function(child::run, in))).run();
    while (true) {
      long opensIn = windowOpensInMillis(r);
      if (m.approved && opensIn > 0) {
        m.status.pausedReason = "approved; waiting for the cutover window to open at " + r.cutover.notBefore;
        m.publish();
        Workflow.await(Duration.ofMillis(opensIn), () -> m.rollbackRequested || watch.get(0).isCompleted());
      } else {
        Workflow.await(() -> m.rollbackRequested || watch.get(0).isCompleted() || m.approved);
      }
      if (watch.get(0).isCompleted()) {
        LagReading reading = watch.get(0).get(); // the child's failure fails the step (pause, retry, rollback)
        return reading.errorKind != null ? reading : null;
      }
      if (m.rollbackRequested || (m.approved && windowOpensInMillis(r) <= 0)) return null;
    }
  }

  /** Milliseconds until cutover.notBefore; 0 or less when there is none or it has passed. */
  private long windowOpensInMillis(MigrationRequest r) {
    if (r.cutover.notBefore == null || r.cutover.notBefore.isBlank()) return 0;
    return Instant.parse(r.cutover.notBefore).toEpochMilli() - Workflow.currentTimeMillis();
  }

  // ---------------------------------------------------------------------------------------------
  // Runs recorded before "nothing lost" (no watch, the signal not gated): replayed as they ran.

  void runBeforeNothingLost() {
    MigrationRequest r = m.request;
    runner.run(Step.APPROVE, () -> {
      if (r.cutover.autoApprove || r.rehearsal) {
        m.approved = true;
        m.step(Step.APPROVE).detail = r.rehearsal ? "rehearsal: approved itself" : "approved automatically";
      } else {
        String waiting = "waiting for approval: run 'migrator approve " + m.status.migrationId + "'";
        m.status.pausedReason = waiting;
        m.publish();
        // Replication keeps running while a human decides: keep the lag reading fresh for the
        // approval validator and the status, at a slow pace to keep history small.
        while (!m.approved && !m.rollbackRequested) {
          if (Workflow.await(Duration.ofMinutes(5), () -> m.approved || m.rollbackRequested)) break;
          m.status.lag = m.activities.replication.awaitCatchUp(m.replicationIn, 1);
        }
        if (waiting.equals(m.status.pausedReason)) m.status.pausedReason = null;
        m.publish();
        m.checkRollback();
        m.step(Step.APPROVE).detail = "approved" + (m.approvedBy == null ? "" : " by " + m.approvedBy);
      }
      awaitCutoverWindow(r);
      return null;
    });
  }

  /** Holds the cutover until the window opens; fails the step if it has closed. */
  private void awaitCutoverWindow(MigrationRequest r) {
    if (r.cutover.notBefore != null && !r.cutover.notBefore.isBlank()) {
      long opens = Instant.parse(r.cutover.notBefore).toEpochMilli();
      long now = Workflow.currentTimeMillis();
      if (now < opens) {
        String waiting = "approved; waiting for the cutover window to open at " + r.cutover.notBefore;
        m.status.pausedReason = waiting;
        m.publish();
        Workflow.await(Duration.ofMillis(opens - now), () -> m.rollbackRequested);
        if (waiting.equals(m.status.pausedReason)) m.status.pausedReason = null;
        m.checkRollback();
      }
    }
    if (r.cutover.notAfter != null && !r.cutover.notAfter.isBlank()
        && Workflow.currentTimeMillis() > Instant.parse(r.cutover.notAfter).toEpochMilli()) {
      throw FailureType.WINDOW_CLOSED.failure("the cutover window closed at " + r.cutover.notAfter
          + ": roll back, or retry to cut over anyway");
    }
  }
}
