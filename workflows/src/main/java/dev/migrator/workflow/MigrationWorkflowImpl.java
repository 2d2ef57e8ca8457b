package dev.migrator.workflow;

import dev.migrator.activities.CopyActivities;
import dev.migrator.activities.StepInputs;
import dev.migrator.activities.StagedCopyActivities;
import dev.migrator.activities.CutoverActivities;
import dev.migrator.activities.FreezeActivities;
import dev.migrator.activities.PreflightActivities;
import dev.migrator.activities.ReplicationActivities;
import dev.migrator.activities.RetentionActivities;
import dev.migrator.activities.SchemaActivities;
import dev.migrator.activities.TrafficActivities;
import dev.migrator.activities.VerifyActivities;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.CatchUpInput;
import dev.migrator.model.LagTrend;
import dev.migrator.model.CopyProgress;
import dev.migrator.model.CopySizing;
import dev.migrator.model.CutoverResult;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.LagReading;
import dev.migrator.model.LiveCopyResult;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.PreflightReport;
import dev.migrator.model.RetentionChange;
import dev.migrator.model.SchemaResult;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import dev.migrator.model.TableChecksum;
import dev.migrator.model.TableRef;
import dev.migrator.model.VerifyResult;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The checklist. Deterministic orchestration only: every effect is an activity, every wait is a
 * Temporal timer or condition. Each step records start, end and duration in the status; each step
 * that changes something registers its undo on the shadow checklist before it runs.
 */
public class MigrationWorkflowImpl implements MigrationWorkflow {
  private static final Logger log = Workflow.getLogger(MigrationWorkflowImpl.class);

  /** Errors an activity marks as not worth retrying (bad input, missing objects, denied access). */
  public static final String[] NON_RETRYABLE = {"InvalidRequest", "AccessDenied", "NotFound", "Incompatible"};

  /** Failure type of a preflight with blocking findings that protect data: never skippable. */
  static final String PREFLIGHT_BLOCKED_PROTECTED = "PreflightBlockedProtected";
  /** Failure type of the cutover's proof that the source stood still (CutoverActivities.confirmSourceStill). */
  static final String SOURCE_MOVED = "SourceMoved";
  /** Decision on SOURCE_MOVED: kill the sessions that write through read-only, then cut over again. */
  static final String KILL_AND_RETRY = "kill-and-retry";

  static final RetryOptions RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(5)
          .setDoNotRetry(NON_RETRYABLE)
          .build();

  private static final ActivityOptions SHORT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setRetryOptions(RETRY)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  /** Long steps heartbeat; a dead worker is noticed within the heartbeat timeout. */
  static final ActivityOptions LONG =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(48))
          .setHeartbeatTimeout(Duration.ofSeconds(15))
          .setRetryOptions(RETRY)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  private final PreflightActivities preflight = Workflow.newActivityStub(PreflightActivities.class, SHORT);
  private final RetentionActivities retention = Workflow.newActivityStub(RetentionActivities.class, SHORT);
  private final FreezeActivities freeze = Workflow.newActivityStub(FreezeActivities.class, LONG);
  private final SchemaActivities schema = Workflow.newActivityStub(SchemaActivities.class, LONG);
  private final CopyActivities copy = Workflow.newActivityStub(CopyActivities.class, LONG);
  private final StagedCopyActivities stage = Workflow.newActivityStub(StagedCopyActivities.class, LONG);
  private final VerifyActivities verify = Workflow.newActivityStub(VerifyActivities.class, LONG);
  private final ReplicationActivities replication = Workflow.newActivityStub(ReplicationActivities.class, LONG);
  private final CutoverActivities cutover = Workflow.newActivityStub(CutoverActivities.class, LONG);
  private final TrafficActivities traffic = Workflow.newActivityStub(TrafficActivities.class, SHORT);

  private final MigrationStatus status = new MigrationStatus();
  /** Events ENABLED on the source at the schema step: the cutover moves them to the target. */
  private List<String> eventsToMove = List.of();
  private final ChunkedCopy chunkedCopy = new ChunkedCopy(status, () -> this.pauseRequested, () -> this.rollbackRequested, this::checkRollback);
  private final Map<Step, StepState> steps = new EnumMap<>(Step.class);
  private final ShadowChecklist shadow = new ShadowChecklist(status.shadow);
  private final MigrationSearchAttributes searchAttributes = new MigrationSearchAttributes();

  /** The source's retention as read before the first change; what finish and the rollback restore. */
  private RetentionChange retentionBefore;

  private boolean approved;
  private boolean finalRollback;
  private final java.util.Set<String> breakpointsHit = new java.util.HashSet<>();
  private boolean reverseStarted;
  private boolean trafficSwitched;
  private String approvedBy;
  private MigrationRequest currentRequest;
  private int rebuilds;
  private int catchUpChildren;
  private String lastTrendWarning;
  private boolean rollbackRequested;
  private String rollbackReason;
  private boolean pauseRequested;
  private String pendingDecision;
  private CancellationScope currentScope;

  /**
   * Runs started after "nothing lost, nothing destroyed" (versioned): unskippable data-protecting
   * findings, the target kept read-only while it replicates, a cutover that proves the source stood
   * still, an approval wait that watches replication, one approval gate for signal and update.
   */
  private boolean safety;
  /** How far the cutover got (CUT_* below); a retry goes on from there, each stage is idempotent. */
  private int cutoverStage;
  private static final int CUT_NONE = 0;
  private static final int CUT_SOURCE_STOPPED = 1;
  private static final int CUT_DRAINED = 2;
  private static final int CUT_REVERSED = 3;
  private static final int CUT_TARGET_WRITABLE = 4;
  private static final int CUT_SWITCHED = 5;
  /** The source's write lock of the current cutover attempt, until it is released. */
  private dev.migrator.model.SourceFence fence;
  /** When the source began refusing writes in the current cutover attempt (worker clock). */
  private Long refusedSinceMillis;
  private boolean killWritersNext;
  private boolean eventsOffSource;
  private boolean eventsOnTarget;
  private int approvalWatches;

  /** Step-sized activity inputs, cut from the request once it is valid (see StepInputs). */
  private dev.migrator.activities.RetentionInput retentionIn;
  private dev.migrator.activities.FreezeInput freezeIn;
  private dev.migrator.activities.ReplicationInput replicationIn;
  private dev.migrator.activities.CutoverInput cutoverIn;
  private dev.migrator.activities.TrafficInput trafficIn;

  /** Thrown inside the workflow to unwind to the rollback; never leaves the workflow. */
  private static final class RollbackRequested extends RuntimeException {
    RollbackRequested() {
      super(null, null, false, false);
    }
  }

  /** A step failed and the policy (or the operator) chose rollback. */
  private static final class StepFailed extends RuntimeException {
    StepFailed(String message) {
      super(message, null, false, false);
    }
  }

  public MigrationWorkflowImpl() {
    for (Step s : Step.values()) {
      StepState st = new StepState(s);
      steps.put(s, st);
      status.steps.add(st);
    }
  }

  /** False when replaying a run started before the workflow kept search attributes (no upserts there). */
  private boolean publishSearchAttributes;

  @Override
  public MigrationResult run(MigrationRequest request) {
    publishSearchAttributes = Workflow.getVersion("search-attributes", Workflow.DEFAULT_VERSION, 1) >= 1;
    safety = Workflow.getVersion("nothing-lost", Workflow.DEFAULT_VERSION, 1) >= 1;
    String id = request != null && request.migrationId != null && !request.migrationId.isBlank()
        ? request.migrationId
        : Workflow.getInfo().getWorkflowId();
    status.migrationId = id;

    List<String> problems = RequestValidator.problems(request);
    StepState v = steps.get(Step.VALIDATE);
    v.startedAtMillis = Workflow.currentTimeMillis();
    finishStep(v, problems.isEmpty() ? StepState.DONE : StepState.FAILED,
        problems.isEmpty() ? "request is valid" : String.join("; ", problems));
    if (!problems.isEmpty()) {
      status.phase = "failed";
      status.error = "invalid request: " + String.join("; ", problems);
      publish();
      throw ApplicationFailure.newNonRetryableFailure(status.error, "InvalidRequest");
    }
    request.migrationId = id;
    currentRequest = request;
    retentionIn = StepInputs.retention(request);
    freezeIn = StepInputs.freeze(request);
    replicationIn = StepInputs.replication(request);
    cutoverIn = StepInputs.cutover(request);
    trafficIn = StepInputs.traffic(request);
    onFailure = request.onFailure;
    if (publishSearchAttributes) searchAttributes.start(request.source.host + ":" + request.source.port,
        request.target.host + ":" + request.target.port, request.rehearsal);
    publish();

    try {
      runChecklist(request);
      if (request.rehearsal) {
        // A rehearsal proves the way back too: it rolls everything back once it has finished.
        rollbackReason = "rehearsal: rolling back after a complete run";
        rollBack();
        status.phase = "rolled-back";
        publish();
        return new MigrationResult(MigrationResult.ROLLED_BACK, status);
      }
      status.phase = "completed";
      status.currentStep = null;
      publish();
      return new MigrationResult(MigrationResult.COMPLETED, status);
    } catch (RollbackRequested | CanceledFailure e) {
      if (e instanceof CanceledFailure) rollbackReason = "workflow cancelled";
      rollBack();
      status.phase = "rolled-back";
      publish();
      return new MigrationResult(MigrationResult.ROLLED_BACK, status);
    } catch (StepFailed e) {
      status.error = e.getMessage();
      rollbackReason = "step failed: " + e.getMessage();
      rollBack();
      status.phase = "failed";
      publish();
      throw ApplicationFailure.newNonRetryableFailure(
          "migration failed and was rolled back: " + e.getMessage(), "MigrationFailed");
    }
  }

  private void runChecklist(MigrationRequest r) {
    PreflightReport report = step(Step.PREFLIGHT, () -> {
      PreflightReport rep = preflight.preflight(r);
      status.preflight = rep;
      if (rep.hasBlocking()) {
        boolean protecting = safety && !rep.blockingProtected().isEmpty();
        throw ApplicationFailure.newNonRetryableFailure("blocking preflight findings: " + rep.blocking()
            + (protecting ? " (they protect data and cannot be skipped: fix them and retry, or roll back)" : ""),
            protecting ? PREFLIGHT_BLOCKED_PROTECTED : "PreflightBlocked");
      }
      return rep;
    });
    if (report != null) {
      long warnings = report.findings.stream().filter(f -> "warning".equals(f.severity)).count();
      steps.get(Step.PREFLIGHT).detail = report.findings.size() + " checks, " + warnings + " warning(s), none blocking";
      report.findings.stream()
          .filter(f -> !"info".equals(f.severity) && !"blocking".equals(f.severity))
          .forEach(f -> status.warnings.add(f.toString()));
    }

    step(Step.RETENTION, () -> {
      // Read once, before any change: a retry after a partly applied change must not record the
      // raised value as the one to put back (nor register a second undo).
      if (retentionBefore == null) {
        RetentionChange b = retention.readRetention(retentionIn);
        retentionBefore = b;
        shadow.register(Step.RETENTION.label, "restore binlog retention", () -> retention.restoreRetention(retentionIn, b));
      }
      RetentionChange now = retention.ensureRetention(retentionIn, retentionBefore);
      if (now != null) steps.get(Step.RETENTION).detail = now.note;
      return retentionBefore;
    });

    // Steps 3-11; a "rebuild" decision at catch-up (or while waiting for approval) undoes 9, 6 and 4
    // and runs them again.
    while (true) {
      while (!buildAndCatchUp(r)) {
        rebuild(r);
      }
      if (!safety) break;
      Boolean approvedHere = step(Step.APPROVE, this::approveWatchingReplication, r);
      if (approvedHere == null || approvedHere) break;
      rebuild(r);
      StepState approve = steps.get(Step.APPROVE);
      approve.state = StepState.PENDING;
      approve.detail = "rebuild " + rebuilds + " pending";
    }

    if (!safety) step(Step.APPROVE, () -> {
      if (r.cutover.autoApprove || r.rehearsal) {
        approved = true;
        steps.get(Step.APPROVE).detail = r.rehearsal ? "rehearsal: approved itself" : "approved automatically";
      } else {
        String waiting = "waiting for approval: run 'migrator approve " + status.migrationId + "'";
        status.pausedReason = waiting;
        publish();
        // Replication keeps running while a human decides: keep the lag reading fresh for the
        // approval validator and the status, at a slow pace to keep history small.
        while (!approved && !rollbackRequested) {
          if (Workflow.await(Duration.ofMinutes(5), () -> approved || rollbackRequested)) break;
          status.lag = replication.awaitCatchUp(replicationIn, 1);
        }
        if (waiting.equals(status.pausedReason)) status.pausedReason = null;
        publish();
        checkRollback();
        steps.get(Step.APPROVE).detail = "approved" + (approvedBy == null ? "" : " by " + approvedBy);
      }
      awaitCutoverWindow(r);
      return null;
    });

    CutoverResult cut = safety ? step(Step.CUTOVER, this::cutoverProvingTheSourceStoodStill, r) : step(Step.CUTOVER, () -> {
      // Versioned: histories recorded before events moved at cutover replay without it.
      boolean moveEvents = !eventsToMove.isEmpty()
          && Workflow.getVersion("events-at-cutover", Workflow.DEFAULT_VERSION, 1) >= 1;
      if (moveEvents) {
        // Registered before the switch back, so it runs after it (the source writable again).
        shadow.register(Step.CUTOVER.label, "events back: disabled on the target, enabled on the source "
            + eventsToMove, () -> eventNotes(cutover.switchEvents(cutoverIn, eventsToMove, false)));
      }
      // Registered first, so a rollback at any point of the cutover switches back completely.
      shadow.register(Step.CUTOVER.label, "switch back: target read-only, drain reverse replication, source writable,"
          + " traffic back", () -> switchBack(r));
      // The source's events stop before it turns read-only (a read-only source refuses ALTER EVENT);
      // the target's start now (they fail harmlessly until it is writable, seconds later).
      if (moveEvents) eventNotes(cutover.switchEvents(cutoverIn, eventsToMove, true));
      CutoverResult c = new CutoverResult();
      c.sourceReadOnlyAtMillis = cutover.setSourceReadOnly(cutoverIn, true);
      c.finalPosition = cutover.sourcePosition(cutoverIn);
      cutover.waitForTargetPosition(cutoverIn, c.finalPosition);
      replication.stopAndResetReplication(replicationIn);
      if (r.cutover.reverseReplication) {
        // Seed 001: the old source follows the new primary, so a rollback loses nothing.
        reverseStarted = true;
        c.reverseFrom = cutover.targetPosition(cutoverIn);
        cutover.startReverseReplication(cutoverIn, c.reverseFrom);
      }
      c.targetWritableAtMillis = cutover.setTargetReadOnly(cutoverIn, false);
      c.writeDowntimeMillis = Math.max(0, c.targetWritableAtMillis - c.sourceReadOnlyAtMillis);
      if (r.cutover.trafficSwitch != null) {
        trafficSwitched = true;
        c.trafficSwitch = traffic.switchTraffic(trafficIn);
      }
      status.cutover = c;
      steps.get(Step.CUTOVER).detail = "final position " + c.finalPosition + ", writes refused for "
          + c.writeDowntimeMillis + " ms" + (c.reverseFrom == null ? "" : ", reverse replication from " + c.reverseFrom);
      return c;
    });

    step(Step.FINISH, () -> {
      if (r.cutover.gracePeriodSeconds > 0) {
        String waiting = "grace period: " + (reverseStarted ? "reverse replication runs; " : "")
            + "'migrator rollback " + status.migrationId + "' switches back without losing writes";
        status.pausedReason = waiting;
        publish();
        Workflow.await(Duration.ofSeconds(r.cutover.gracePeriodSeconds), () -> rollbackRequested);
        if (waiting.equals(status.pausedReason)) status.pausedReason = null;
        publish();
        checkRollback();
      }
      if (reverseStarted) cutover.stopReverseReplication(cutoverIn);
      // Also after a skipped retention step: put back what was read before any change, if anything.
      if (retentionBefore != null) retention.restoreRetention(retentionIn, retentionBefore);
      shadow.retire(Step.RETENTION.label);
      // The target schemas are the application's now (a rehearsal still rolls back: it keeps them).
      if (safety && !r.rehearsal) schema.releaseSchemas(StepInputs.schema(r, (FrozenCopy) null), r.schemas);
      return cut;
    });
  }

  private void eventNotes(List<String> notes) {
    if (notes != null) notes.forEach(n -> status.warnings.add("cutover: " + n));
  }

  /** What an undo left alone (a schema holding objects it did not create, ...), for the status. */
  private void undoNotes(List<String> notes) {
    if (notes != null) notes.forEach(n -> status.warnings.add("rollback: " + n));
  }

  // ---------------------------------------------------------------------------------------------
  // Step 11 since "nothing lost": the wait for approval watches replication.

  /**
   * Waits for an approval that the gate accepts (signal or update), and for the cutover window,
   * while a watch child polls replication at the catch-up's pace. A replication error pauses with
   * the catch-up's diagnosis and decisions; right before the cutover a fresh reading must pass the
   * gate again, else the approval is withdrawn. Returns false when the operator chose "rebuild".
   */
  private Boolean approveWatchingReplication(MigrationRequest r) {
    StepState st = steps.get(Step.APPROVE);
    boolean auto = r.cutover.autoApprove || r.rehearsal;
    while (true) {
      if (auto) {
        approved = true;
        st.detail = r.rehearsal ? "rehearsal: approved itself" : "approved automatically";
      }
      String waiting = "waiting for approval: run 'migrator approve " + status.migrationId + "'";
      if (!approved) {
        status.pausedReason = waiting;
        publish();
      }
      LagReading failed = watchReplicationUntilApprovedAndWindowOpen(r);
      if (failed != null) reportLag(failed); // the gate and the status see the failing reading
      if (status.pausedReason != null && (status.pausedReason.equals(waiting)
          || status.pausedReason.startsWith("approved; waiting for the cutover window"))) {
        status.pausedReason = null;
      }
      publish();
      checkRollback();
      if (failed == null) {
        if (r.cutover.notAfter != null && !r.cutover.notAfter.isBlank()
            && Workflow.currentTimeMillis() > Instant.parse(r.cutover.notAfter).toEpochMilli()) {
          throw ApplicationFailure.newNonRetryableFailure("the cutover window closed at " + r.cutover.notAfter
              + ": roll back, or retry to cut over anyway", "WindowClosed");
        }
        // A fresh reading right before the cutover: the gate decides on it, not on an old report.
        LagReading before = status.lag;
        failed = replication.awaitCatchUp(replicationIn, 0);
        if (before != null) { // one more reading of the same series: keep the trend and the poll count
          failed.trend = before.trend;
          failed.catchUpPolls = before.catchUpPolls;
          failed.catchUpRun = before.catchUpRun;
        }
        reportLag(failed);
        String why = failed.errorKind != null ? "replication is failing: " + failed.diagnosis
            : auto ? null : approvalRefusal();
        if (why == null) {
          if (!auto) st.detail = "approved" + (approvedBy == null ? "" : " by " + approvedBy);
          return true;
        }
        if (failed.errorKind == null) {
          approved = false;
          status.approvalRefused = "approval withdrawn before the cutover: " + why + "; approve again";
          continue;
        }
      }
      // Replication failed while waiting: the approval (if any) no longer holds.
      if (!auto && approved) {
        status.approvalRefused = "approval withdrawn: replication failed (" + failed.errorKind + "); approve again"
            + " once it is healthy";
      }
      approved = false;
      if (onReplicationError(r, Step.APPROVE, failed)) return false;
    }
  }

  /**
   * Runs a watch child until the migration is approved and the cutover window is open (returns
   * null; also on a rollback request) or replication fails (returns that reading).
   */
  private LagReading watchReplicationUntilApprovedAndWindowOpen(MigrationRequest r) {
    while (true) {
      if (rollbackRequested || (approved && windowOpensInMillis(r) <= 0)) return null; // nothing to wait for
      LagReading failed = watchOnce(r);
      if (failed != null) return failed;
    }
  }

  /** Polls of one watch child: short children, so one left behind after an approval stops soon. */
  static final int WATCH_POLLS = 10;

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
    if (status.lag != null && status.lag.trend != null) in.trend = status.lag.trend;
    approvalWatches++;
    CatchUpWorkflow child = Workflow.newChildWorkflowStub(CatchUpWorkflow.class, ChildWorkflowOptions.newBuilder()
        .setWorkflowId(in.parentWorkflowId + "-approval-watch-" + approvalWatches)
        .build());
    // Detached: a rollback or cancellation of the migration does not cancel it (see above).
    List<io.temporal.workflow.Promise<LagReading>> watch = new ArrayList<>(1);
    Workflow.newDetachedCancellationScope(() -> watch.add(io.temporal.workflow.Async.function(child::run, in))).run();
    while (true) {
      long opensIn = windowOpensInMillis(r);
      if (approved && opensIn > 0) {
        status.pausedReason = "approved; waiting for the cutover window to open at " + r.cutover.notBefore;
        publish();
        Workflow.await(Duration.ofMillis(opensIn), () -> rollbackRequested || watch.get(0).isCompleted());
      } else {
        Workflow.await(() -> rollbackRequested || watch.get(0).isCompleted() || approved);
      }
      if (watch.get(0).isCompleted()) {
        LagReading reading = watch.get(0).get(); // the child's failure fails the step (pause, retry, rollback)
        return reading.errorKind != null ? reading : null;
      }
      if (rollbackRequested || (approved && windowOpensInMillis(r) <= 0)) return null;
    }
  }

  /** Milliseconds until cutover.notBefore; 0 or less when there is none or it has passed. */
  private long windowOpensInMillis(MigrationRequest r) {
    if (r.cutover.notBefore == null || r.cutover.notBefore.isBlank()) return 0;
    return Instant.parse(r.cutover.notBefore).toEpochMilli() - Workflow.currentTimeMillis();
  }

  // ---------------------------------------------------------------------------------------------
  // Step 12 since "nothing lost": a cutover that proves the source stood still.

  /**
   * Stops writes on the source (read_only, super_read_only or a global read lock where read_only
   * alone lets privileged accounts through), drains the target to the source's position, and
   * proves the source stood still: replication threads stopped, the position read again, equal.
   * Only then is replication reset and the target made writable. A failure before that point makes
   * the source writable again (unless cutover.keepSourceReadOnlyOnFailure) and pauses; a retry goes
   * on from the last stage that completed.
   */
  private CutoverResult cutoverProvingTheSourceStoodStill(MigrationRequest r) {
    boolean moveEvents = !eventsToMove.isEmpty();
    // Registered first, so a rollback at any point of the cutover switches back completely.
    shadow.register(Step.CUTOVER.label, "switch back: " + (moveEvents ? "events back, " : "") + "target read-only,"
        + " drain reverse replication, release the source's write lock, source writable, traffic back",
        () -> switchBackSafely(r));
    CutoverResult c = status.cutover != null ? status.cutover : new CutoverResult();
    status.cutover = c;
    try {
      if (cutoverStage < CUT_SOURCE_STOPPED) {
        // The source's events stop before it turns read-only (a read-only source refuses ALTER EVENT);
        // not binary-logged, so the switch never replicates to the target.
        if (moveEvents && !eventsOffSource) {
          eventNotes(cutover.setEvents(cutoverIn, "source", eventsToMove, false));
          eventsOffSource = true;
        }
        long at = cutover.setSourceReadOnly(cutoverIn, true);
        if (refusedSinceMillis == null) refusedSinceMillis = at;
        fence = cutover.fenceSource(cutoverIn);
        status.sourceFence = fence;
        c.sourceStoppedBy = fence.how;
        if (killWritersNext) {
          killWritersNext = false;
          cutover.killSourceWriters(cutoverIn, fence).forEach(n -> status.warnings.add("cutover: " + n));
        }
        cutoverStage = CUT_SOURCE_STOPPED;
      }
      if (cutoverStage < CUT_DRAINED) {
        BinlogCoordinates p = cutover.sourcePosition(cutoverIn);
        cutover.waitForTargetPosition(cutoverIn, p);
        c.provenPosition = cutover.confirmSourceStill(cutoverIn, p);
        c.finalPosition = p;
        replication.stopAndResetReplication(replicationIn);
        cutoverStage = CUT_DRAINED;
      }
      if (r.cutover.reverseReplication && cutoverStage < CUT_REVERSED) {
        // Seed 001: the old source follows the new primary, so a rollback loses nothing.
        reverseStarted = true;
        c.reverseFrom = cutover.targetPosition(cutoverIn);
        cutover.startReverseReplication(cutoverIn, c.reverseFrom);
        cutoverStage = CUT_REVERSED;
      }
      if (cutoverStage < CUT_TARGET_WRITABLE) {
        c.targetWritableAtMillis = cutover.setTargetReadOnly(cutoverIn, false);
        c.sourceReadOnlyAtMillis = refusedSinceMillis == null ? c.targetWritableAtMillis : refusedSinceMillis;
        c.writeDowntimeMillis = Math.max(0, c.targetWritableAtMillis - c.sourceReadOnlyAtMillis);
        cutoverStage = CUT_TARGET_WRITABLE;
      }
      if (moveEvents && !eventsOnTarget) {
        eventNotes(cutover.setEvents(cutoverIn, "target", eventsToMove, true));
        eventsOnTarget = true;
      }
      if (r.cutover.trafficSwitch != null && cutoverStage < CUT_SWITCHED) {
        trafficSwitched = true;
        c.trafficSwitch = traffic.switchTraffic(trafficIn);
        cutoverStage = CUT_SWITCHED;
      }
    } catch (TemporalFailure e) {
      if (cutoverStage < CUT_DRAINED && !rollbackRequested && !(e instanceof CanceledFailure)) {
        restoreSourceAfterFailedCutover(r, c, e);
      }
      throw e;
    }
    // Traffic is on the target: sessions still blocked on the lock are killed first (their writes
    // were never acknowledged), then the lock goes.
    if (fence != null && fence.lockConnectionId != null) {
      cutover.releaseSourceFence(cutoverIn, fence).forEach(n -> status.warnings.add("cutover: " + n));
    }
    fence = null;
    if (!r.cutover.reverseReplication) warnIfTheOldSourceMoved(r, c);
    steps.get(Step.CUTOVER).detail = "final position " + c.finalPosition + " (the source stood still: re-read after"
        + " replication stopped), writes stopped by " + c.sourceStoppedBy + ", refused for " + c.writeDowntimeMillis
        + " ms" + (c.failedAttempts == 0 ? "" : " (plus " + c.failedAttemptsDowntimeMillis + " ms in "
        + c.failedAttempts + " failed attempt(s))")
        + (c.reverseFrom == null ? "" : ", reverse replication from " + c.reverseFrom);
    return c;
  }

  /** After the switch: a session that can write through read-only and did not follow it wrote there. */
  private void warnIfTheOldSourceMoved(MigrationRequest r, CutoverResult c) {
    try {
      BinlogCoordinates after = cutover.sourcePosition(cutoverIn);
      if (after != null && c.finalPosition != null && after.compareTo(c.finalPosition) != 0) {
        status.warnings.add("cutover: the old source's binary log moved from " + c.finalPosition + " to " + after
            + " after traffic was switched: a session that can write through read-only wrote there"
            + (status.sourceFence == null || status.sourceFence.bypassSessions.isEmpty() ? ""
                : " (sessions that can: " + status.sourceFence.bypassSessions + ")")
            + "; those writes are on the old source only (mysqlbinlog --start-position " + c.finalPosition.position
            + " " + c.finalPosition.file + " shows them)");
      }
    } catch (ActivityFailure e) {
      status.warnings.add("cutover: could not re-read the old source's position after the switch ("
          + Failures.describe(e) + ")");
    }
  }

  /**
   * A cutover that failed before replication was stopped: the source takes writes again (and its
   * events run there again), replication goes on, so the migration can pause without downtime.
   */
  private void restoreSourceAfterFailedCutover(MigrationRequest r, CutoverResult c, TemporalFailure cause) {
    if (r.cutover.keepSourceReadOnlyOnFailure) {
      status.warnings.add("cutover: failed (" + Failures.describe(cause) + "); the source stays read-only"
          + " (cutover.keepSourceReadOnlyOnFailure): 'migrator decide " + status.migrationId + " retry' or rollback");
      return;
    }
    try {
      if (fence != null && fence.lockConnectionId != null) {
        cutover.releaseSourceFence(cutoverIn, fence).forEach(n -> status.warnings.add("cutover: " + n));
      }
      fence = null;
      long refused = 0;
      if (refusedSinceMillis != null) {
        long at = cutover.setSourceReadOnly(cutoverIn, false);
        refused = Math.max(0, at - refusedSinceMillis);
        c.failedAttempts++;
        c.failedAttemptsDowntimeMillis += refused;
        refusedSinceMillis = null;
      }
      if (eventsOffSource) {
        eventNotes(cutover.setEvents(cutoverIn, "source", eventsToMove, true));
        eventsOffSource = false;
      }
      cutoverStage = CUT_NONE;
      status.warnings.add("cutover: attempt failed before replication was stopped (" + Failures.describe(cause)
          + "); the source is writable again after refusing writes for " + refused + " ms, and replication goes on");
    } catch (TemporalFailure restoreFailed) {
      status.warnings.add("cutover: could not make the source writable again after the failure ("
          + Failures.describe(restoreFailed) + "): check read_only on the source");
    }
  }

  /** The cutover's undo since "nothing lost"; each part only if the cutover got that far. */
  private void switchBackSafely(MigrationRequest r) {
    if (eventsOnTarget) {
      eventNotes(cutover.setEvents(cutoverIn, "target", eventsToMove, false));
      eventsOnTarget = false;
    }
    cutover.setTargetReadOnly(cutoverIn, true);
    if (reverseStarted) {
      cutover.waitForSourcePosition(cutoverIn, cutover.targetPosition(cutoverIn));
      cutover.stopReverseReplication(cutoverIn);
    }
    if (trafficSwitched) traffic.switchTrafficBack(trafficIn);
    if (fence != null && fence.lockConnectionId != null) cutover.releaseSourceFence(cutoverIn, fence);
    fence = null;
    cutover.setSourceReadOnly(cutoverIn, false);
    if (eventsOffSource) {
      eventNotes(cutover.setEvents(cutoverIn, "source", eventsToMove, true));
      eventsOffSource = false;
    }
  }

  /**
   * The cutover's undo: stop writes on the target, let reverse replication bring every write made
   * there back to the source, stop it, make the source writable, switch traffic back.
   */
  private void switchBack(MigrationRequest r) {
    cutover.setTargetReadOnly(cutoverIn, true);
    if (reverseStarted) {
      cutover.waitForSourcePosition(cutoverIn, cutover.targetPosition(cutoverIn));
      cutover.stopReverseReplication(cutoverIn);
    }
    if (trafficSwitched) traffic.switchTrafficBack(trafficIn);
    cutover.setSourceReadOnly(cutoverIn, false);
  }

  /** Steps 3 to 10. Returns false when the operator chose to rebuild at catch-up. */
  private boolean buildAndCatchUp(MigrationRequest r) {
    String id = r.migrationId;
    FrozenCopy frozen = step(Step.FREEZE, () -> {
      shadow.register(Step.FREEZE.label, "release the frozen copy", () -> freeze.releaseFrozenCopy(freezeIn));
      FrozenCopy f = freeze.freeze(freezeIn);
      status.frozen = f;
      steps.get(Step.FREEZE).detail = f.note;
      return f;
    });

    SchemaResult created = step(Step.SCHEMA, () -> {
      // Only schemas absent before the migration are ever dropped: preflight blocks on existing ones.
      List<String> ours = new ArrayList<>(r.schemas);
      shadow.register(Step.SCHEMA.label, "drop the schemas this migration created " + ours
          + ("keep".equals(r.rollbackTarget) ? " (on a rebuild only: rollbackTarget=keep)" : ""), () -> {
            if (!keepTarget(r)) undoNotes(schema.dropSchemas(StepInputs.schema(r, (FrozenCopy) null), ours));
          });
      SchemaResult res = schema.createSchema(StepInputs.schema(r, frozen));
      if (res != null && !res.notes.isEmpty()) {
        res.notes.forEach(n -> status.warnings.add("schema: " + n));
        steps.get(Step.SCHEMA).detail = res.notes.size() + " compatibility note(s), see warnings";
      }
      return res;
    });
    List<TableRef> tables = created.tables;
    eventsToMove = created.enabledEvents == null ? List.of() : created.enabledEvents;

    skipStep(Step.ACCOUNTS, "not requested");

    List<TableChecksum> sourceChecksums = step(Step.COPY, () -> {
      shadow.register(Step.COPY.label, "empty the tables loaded by the copy"
          + ("keep".equals(r.rollbackTarget) ? " (on a rebuild only: rollbackTarget=keep)" : ""), () -> {
            if (!keepTarget(r)) undoNotes(copy.truncateTables(StepInputs.copy(r, frozen.endpoint), tables));
            if ("staged".equals(r.copy.transport)) stage.deleteStage(StepInputs.copy(r, frozen.endpoint));
          });
      status.copy = new CopyProgress();
      if (FreezeMethod.LIVE_CONSISTENT.equals(frozen.method)) {
        LiveCopyResult res = copy.copyLiveConsistent(StepInputs.copy(r, null), tables, Workflow.getInfo().getWorkflowId());
        frozen.coordinates = res.coordinates;
        status.copy = res.progress;
        return res.sourceChecksums;
      }
      if (frozen.endpoint == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the freeze step of '" + frozen.method + "' returned no frozen copy to read", "InvalidRequest");
      }
      CopySizing sizing = r.copy.parallelism > 0 ? CopySizing.fixed(r.copy.parallelism) : CopySizing.fixed(2);
      // Versioned: histories recorded before the rule of thumb replay with the old default of 2.
      if (r.copy.parallelism <= 0 && Workflow.getVersion("copy-sizing", Workflow.DEFAULT_VERSION, 1) >= 1) {
        sizing = copy.sizeCopy(StepInputs.copy(r, frozen.endpoint));
      }
      steps.get(Step.COPY).detail = "parallelism: " + sizing;
      chunkedCopy.run(r, frozen.endpoint, tables, sizing);
      if ("staged".equals(r.copy.transport) && !r.copy.stage.keepFiles) {
        try {
          stage.deleteStage(StepInputs.copy(r, frozen.endpoint));
        } catch (ActivityFailure e) {
          // The data is loaded; leftover files are an operator's chore, not a failed copy.
          status.warnings.add("copy: the stage " + r.copy.stage.location + " could not be emptied ("
              + Failures.describe(e) + "); delete " + r.migrationId + "/ under it by hand");
        }
      }
      return null; // verify checksums the frozen copy itself
    });

    step(Step.VERIFY, () -> {
      VerifyResult res = verify.verify(StepInputs.verify(r, frozen, tables, sourceChecksums));
      status.verify = res;
      if (!res.ok) {
        throw ApplicationFailure.newNonRetryableFailure("verification failed: " + res.summary(), "VerifyFailed");
      }
      // Triggers (and deferred secondary indexes) only now, so the copy never fired them. Versioned:
      // histories recorded before this call existed replay without it.
      if (Workflow.getVersion("post-load-objects", Workflow.DEFAULT_VERSION, 1) < 1) return res;
      SchemaResult post = schema.createPostLoadObjects(StepInputs.schema(r, frozen));
      if (post != null && !post.notes.isEmpty()) {
        post.notes.forEach(n -> status.warnings.add("schema: " + n));
        steps.get(Step.VERIFY).detail = "post-load objects: " + post.notes.size() + " note(s)";
      }
      return res;
    });

    step(Step.RELEASE, () -> {
      freeze.releaseFrozenCopy(freezeIn);
      shadow.retire(Step.FREEZE.label);
      return null;
    });

    BinlogCoordinates from = frozen.coordinates;
    step(Step.REPLICATE, () -> {
      // Read first, so that an account that existed before is never dropped by the rollback.
      boolean existed = replication.replicationUserExists(replicationIn);
      if (r.replication.createUser && !existed) {
        shadow.register(Step.REPLICATE.label, "drop the replication account", () -> replication.dropReplicationUser(replicationIn));
      }
      shadow.register(Step.REPLICATE.label, "stop and reset replication on the target",
          () -> replication.stopAndResetReplication(replicationIn));
      if (safety) {
        // Runs before the reset above on a rollback: the reset drops the heartbeat table there.
        boolean wasReadOnly = status.preflight != null && Boolean.TRUE.equals(status.preflight.targetReadOnly);
        shadow.register(Step.REPLICATE.label, "make the target writable again (read-only while it replicated)",
            () -> cutover.unguardTarget(cutoverIn, wasReadOnly));
      }
      replication.ensureReplicationUser(replicationIn);
      replication.startReplication(replicationIn, from);
      if (safety) {
        // Nothing but replication may write to the target until the cutover (1062/1032 come from such writes).
        dev.migrator.model.ReadOnlyGuard g = cutover.guardTarget(cutoverIn);
        status.targetGuard = g;
        steps.get(Step.REPLICATE).detail =
            "the target is read-only until the cutover: " + g.how;
        if (!g.guarded || g.note != null) {
          status.warnings.add("replicate: " + (g.note != null ? g.note : "the target stays writable while it replicates"));
        }
      }
      return null;
    });

    Boolean caughtUp = step(Step.CATCH_UP, this::catchUp, r);
    return caughtUp == null || caughtUp;
  }

  /** Steps that a rebuild undoes and runs again, in checklist order. */
  private static final List<Step> REBUILT = List.of(
      Step.FREEZE, Step.SCHEMA, Step.COPY, Step.VERIFY, Step.RELEASE, Step.REPLICATE, Step.CATCH_UP);

  /**
   * Decision "rebuild": runs the pending undos of replicate, copy, schema (and freeze), last
   * registered first, then sets steps 3-10 back to pending so that they run again.
   */
  private void rebuild(MigrationRequest r) {
    rebuilds++;
    int failed = shadow.runFor(List.of(Step.REPLICATE.label, Step.COPY.label, Step.SCHEMA.label, Step.FREEZE.label));
    if (failed > 0) {
      throw new StepFailed("rebuild: " + failed + " undo(s) failed; see the shadow checklist");
    }
    for (Step s : REBUILT) {
      StepState st = steps.get(s);
      st.state = StepState.PENDING;
      st.detail = "rebuild " + rebuilds + " pending";
      st.startedAtMillis = null;
      st.endedAtMillis = null;
      st.durationMillis = null;
    }
    status.frozen = null;
    status.copy = null;
    chunkedCopy.reset();
    status.verify = null;
    lastTrendWarning = null;
  }

  /**
   * Step 10: a catch-up child workflow polls until the target has executed the source's current
   * position, stably, or a replication thread fails. On a failure the migration pauses here with
   * the diagnosis and the decisions that fit the error. Returns false for "rebuild".
   */
  private Boolean catchUp(MigrationRequest r) {
    LagTrend trend = null;
    while (true) {
      CatchUpInput in = new CatchUpInput();
      in.request = r;
      in.parentWorkflowId = Workflow.getInfo().getWorkflowId();
      in.pollsPerRun = Math.max(1, r.replication.pollsPerRun);
      in.reportEverySeconds = Math.max(0, r.replication.lagReportSeconds);
      if (trend != null) in.trend = trend;
      catchUpChildren++;
      CatchUpWorkflow child = Workflow.newChildWorkflowStub(CatchUpWorkflow.class, ChildWorkflowOptions.newBuilder()
          .setWorkflowId(in.parentWorkflowId + "-catch-up-" + catchUpChildren)
          .build());
      LagReading reading = child.run(in);
      reportLag(reading);
      trend = reading.trend;
      if (reading.errorKind != null) {
        if (onReplicationError(r, Step.CATCH_UP, reading)) return false;
        continue;
      }
      if (reading.caughtUp) {
        if (pauseRequested) {
          // Paused while caught up: wait, then confirm again with fresh readings.
          status.paused = true;
          status.phase = "paused";
          Workflow.await(() -> !pauseRequested || rollbackRequested);
          status.paused = false;
          status.phase = "running";
          status.pausedReason = null;
          checkRollback();
          continue;
        }
        steps.get(Step.CATCH_UP).detail = "caught up at " + reading.sourcePosition;
        return true;
      }
      checkRollback();
    }
  }

  /** Decisions that fit a replication error kind (PRODUCT.md section 6, the handbook). */
  static List<String> decisionsFor(String errorKind) {
    List<String> d = new ArrayList<>(List.of("retry"));
    switch (errorKind == null ? "" : errorKind) {
      case "duplicate-key", "missing-row" -> d.addAll(List.of("skip", "rebuild"));
      case "impossible-position" -> d.addAll(List.of("next-log", "rebuild"));
      case "log-purged", "other" -> d.add("rebuild");
      default -> { } // connect, access-denied: fix the cause, then retry
    }
    d.add("rollback");
    return d;
  }

  /**
   * A replication error at catch-up or while waiting for approval: pauses for the operator's
   * decision (or fails the step, by the failure policy) and carries it out. True for "rebuild".
   */
  private boolean onReplicationError(MigrationRequest r, Step step, LagReading reading) {
    String d = awaitReplicationDecision(step, reading);
    StepState st = steps.get(step);
    switch (d) {
      case "skip" -> {
        String skipped = replication.skipReplicationEvent(replicationIn);
        status.warnings.add(step.label + ": an operator skipped a replicated event (" + reading.errorKind + ": "
            + skipped + "); the target now differs from the source by that event (data drift)");
        st.detail = "skipped one event after " + reading.errorKind;
      }
      case "next-log" -> {
        BinlogCoordinates c = replication.moveToNextLog(replicationIn);
        status.warnings.add(step.label + ": an operator moved replication to the next binlog (" + c
            + ") after an impossible position; watch the target for inconsistencies");
        st.detail = "moved to " + c;
      }
      case "rebuild" -> {
        st.detail = "rebuild chosen after " + reading.errorKind;
        status.warnings.add(step.label + ": rebuild " + (rebuilds + 1) + " chosen after " + reading.errorKind
            + ": undoing replicate, copy and schema and running them again");
        return true;
      }
      case "rollback" -> {
        String msg = step.label + ": replication error (" + reading.errorKind + "): " + reading.diagnosis;
        finishStep(st, StepState.FAILED, msg);
        throw new StepFailed(msg + " (operator chose rollback)");
      }
      default -> replication.resumeReplication(replicationIn); // retry
    }
    st.attempts++;
    return false;
  }

  private String awaitReplicationDecision(Step step, LagReading reading) {
    StepState st = steps.get(step);
    String msg = step.label + ": replication error (" + reading.errorKind + "): " + reading.diagnosis;
    log.warn(msg);
    if (!"pause".equals(onFailure)) {
      finishStep(st, StepState.FAILED, msg);
      throw new StepFailed(msg);
    }
    st.state = StepState.PAUSED;
    st.detail = msg;
    status.paused = true;
    status.phase = "paused";
    status.pausedReason = msg;
    status.allowedDecisions = decisionsFor(reading.errorKind);
    pendingDecision = null;
    // Versioned: histories recorded before did not keep the search attributes current here.
    if (safety) publish();
    Workflow.await(() -> rollbackRequested
        || (pendingDecision != null && status.allowedDecisions.contains(pendingDecision)));
    String d = rollbackRequested ? "rollback" : pendingDecision;
    pendingDecision = null;
    status.paused = false;
    status.phase = "running";
    status.pausedReason = null;
    status.allowedDecisions = new ArrayList<>();
    st.state = StepState.RUNNING;
    if (safety) publish();
    if (rollbackRequested) throw new RollbackRequested();
    return d;
  }

  // ---------------------------------------------------------------------------------------------
  // Step runner: pause at boundaries, record timing, pause or roll back on failure.

  private <T> T step(Step s, Functions.Func<T> body) {
    return step(s, x -> body.apply(), null);
  }

  private <T, A> T step(Step s, Functions.Func1<A, T> body, A arg) {
    checkRollback();
    awaitUnpaused(s);
    StepState st = steps.get(s);
    status.currentStep = s.label;
    st.state = StepState.RUNNING;
    st.startedAtMillis = Workflow.currentTimeMillis();
    publish();
    while (true) {
      st.attempts++;
      try {
        T result = runInScope(() -> body.apply(arg));
        finishStep(st, StepState.DONE, st.detail);
        return result;
      } catch (RollbackRequested e) {
        finishStep(st, StepState.FAILED, "interrupted by rollback");
        throw e;
      } catch (TemporalFailure e) {
        if (rollbackRequested) {
          finishStep(st, StepState.FAILED, "interrupted by rollback");
          throw new RollbackRequested();
        }
        if (e instanceof CanceledFailure) {
          finishStep(st, StepState.FAILED, "workflow cancelled");
          throw e;
        }
        String msg = s.label + " failed: " + Failures.describe(e);
        log.warn(msg);
        if (!"pause".equals(onFailure)) {
          finishStep(st, StepState.FAILED, msg);
          throw new StepFailed(msg);
        }
        String decision = awaitDecision(s, st, msg, Failures.type(e));
        if (KILL_AND_RETRY.equals(decision)) killWritersNext = true;
        if ("rollback".equals(decision)) {
          finishStep(st, StepState.FAILED, msg);
          throw new StepFailed(msg + " (operator chose rollback)");
        }
        if ("skip".equals(decision)) {
          finishStep(st, StepState.SKIPPED, "skipped by operator after: " + msg);
          status.warnings.add("step " + s.label + " was skipped by an operator after: " + msg);
          if (s == Step.VERIFY) {
            status.warnings.add("schema: triggers and deferred secondary indexes follow a successful verify and were"
                + " not created: create them by hand");
          }
          return null;
        }
        st.state = StepState.RUNNING; // retry
      }
    }
  }

  private String onFailure = "pause";

  /** Pauses the workflow on a failed step until an operator decides retry, skip or rollback. */
  private String awaitDecision(Step s, StepState st, String msg, String failureType) {
    st.state = StepState.PAUSED;
    st.detail = msg;
    status.paused = true;
    status.phase = "paused";
    status.pausedReason = msg;
    status.allowedDecisions = new ArrayList<>(List.of("retry", "rollback"));
    if (skippable(s) && !(safety && PREFLIGHT_BLOCKED_PROTECTED.equals(failureType))) status.allowedDecisions.add("skip");
    if (safety && SOURCE_MOVED.equals(failureType)) status.allowedDecisions.add(1, KILL_AND_RETRY);
    pendingDecision = null;
    publish();
    Workflow.await(() -> rollbackRequested
        || (pendingDecision != null && status.allowedDecisions.contains(pendingDecision)));
    String d = rollbackRequested ? "rollback" : pendingDecision;
    pendingDecision = null;
    status.paused = false;
    status.phase = "running";
    status.pausedReason = null;
    status.allowedDecisions = new ArrayList<>();
    publish();
    return d;
  }

  private static boolean skippable(Step s) {
    // Skipping these cannot lose data; skipping the others would leave the checklist inconsistent.
    return s == Step.PREFLIGHT || s == Step.RETENTION || s == Step.VERIFY || s == Step.ACCOUNTS;
  }

  private <T> T runInScope(Functions.Func<T> body) {
    List<T> out = new ArrayList<>(1);
    currentScope = Workflow.newCancellationScope(() -> {
      out.add(body.apply());
    });
    try {
      currentScope.run();
    } finally {
      currentScope = null;
    }
    return out.get(0);
  }

  private void skipStep(Step s, String why) {
    StepState st = steps.get(s);
    st.startedAtMillis = Workflow.currentTimeMillis();
    finishStep(st, StepState.SKIPPED, why);
  }

  private void finishStep(StepState st, String state, String detail) {
    st.state = state;
    st.detail = detail;
    st.endedAtMillis = Workflow.currentTimeMillis();
    st.durationMillis = st.startedAtMillis == null ? 0 : st.endedAtMillis - st.startedAtMillis;
  }

  private void awaitUnpaused(Step s) {
    if (currentRequest != null && currentRequest.pauseBefore != null && currentRequest.pauseBefore.contains(s.label)
        && breakpointsHit.add(s.label)) {
      pauseRequested = true;
      status.pausedReason = "breakpoint: paused before step " + s.label + " (request.pauseBefore);"
          + " 'migrator resume " + status.migrationId + "' continues";
    }
    if (!pauseRequested) return;
    status.paused = true;
    status.phase = "paused";
    status.currentStep = s.label;
    publish();
    Workflow.await(() -> !pauseRequested || rollbackRequested);
    status.paused = false;
    status.phase = "running";
    status.pausedReason = null;
    publish();
    checkRollback();
  }

  /** Keeps the search attributes (phase, paused, reason, step) in line with the status. */
  private void publish() {
    if (!publishSearchAttributes) return;
    searchAttributes.update(status.phase, status.paused, status.pausedReason, status.currentStep);
  }

  private void checkRollback() {
    if (rollbackRequested) throw new RollbackRequested();
  }

  /** A final rollback leaves the target's data when the request says so; a rebuild never does. */
  private boolean keepTarget(MigrationRequest r) {
    return finalRollback && "keep".equals(r.rollbackTarget);
  }

  /** Runs the shadow checklist in a scope that survives workflow cancellation. */
  private void rollBack() {
    finalRollback = true;
    status.phase = "rolling-back";
    status.paused = false;
    status.pausedReason = null;
    publish();
    log.info("rolling back: {}", rollbackReason);
    CancellationScope detached = Workflow.newDetachedCancellationScope(() -> {
      int failed = shadow.runAll();
      if (failed > 0) {
        status.warnings.add(failed + " compensation(s) failed; see the shadow checklist");
      }
    });
    detached.run();
  }

  /** Holds the cutover until the window opens; fails the step if it has closed. */
  private void awaitCutoverWindow(MigrationRequest r) {
    if (r.cutover.notBefore != null && !r.cutover.notBefore.isBlank()) {
      long opens = Instant.parse(r.cutover.notBefore).toEpochMilli();
      long now = Workflow.currentTimeMillis();
      if (now < opens) {
        String waiting = "approved; waiting for the cutover window to open at " + r.cutover.notBefore;
        status.pausedReason = waiting;
        publish();
        Workflow.await(Duration.ofMillis(opens - now), () -> rollbackRequested);
        if (waiting.equals(status.pausedReason)) status.pausedReason = null;
        checkRollback();
      }
    }
    if (r.cutover.notAfter != null && !r.cutover.notAfter.isBlank()
        && Workflow.currentTimeMillis() > Instant.parse(r.cutover.notAfter).toEpochMilli()) {
      throw ApplicationFailure.newNonRetryableFailure("the cutover window closed at " + r.cutover.notAfter
          + ": roll back, or retry to cut over anyway", "WindowClosed");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Signals, updates and queries.

  @Override
  public String approveCutover(String by) {
    approved = true;
    approvedBy = by;
    if (safety) status.approvalRefused = null;
    return "approved" + (by == null ? "" : " by " + by) + "; the cutover starts "
        + (Step.APPROVE.label.equals(status.currentStep) ? "now" : "when the checklist reaches it");
  }

  @Override
  public void validateApproveCutover(String by) {
    String why = approvalRefusal();
    if (why != null) throw new IllegalStateException("approval refused: " + why);
  }

  @Override
  public MigrationStatus status() {
    return status;
  }

  @Override
  public void approve() {
    // One gate for the signal and the update: a signal cannot answer, so the refusal is in the status.
    if (safety) {
      String why = approvalRefusal();
      if (why != null) {
        status.approvalRefused = "approve signal refused: " + why;
        return;
      }
      status.approvalRefused = null;
    }
    approved = true;
  }

  private String approvalRefusal() {
    return ApprovalGate.refusal(status, currentRequest == null ? Integer.MAX_VALUE
        : currentRequest.cutover.maxLagSecondsForApproval);
  }

  @Override
  public void rollback(String reason) {
    rollbackRequested = true;
    rollbackReason = reason == null ? "requested by operator" : reason;
    if (currentScope != null) currentScope.cancel(rollbackReason);
  }

  @Override
  public void pause(String reason) {
    pauseRequested = true;
    status.pausedReason = reason == null || reason.isBlank() ? "paused by operator" : reason;
  }

  @Override
  public void resume() {
    pauseRequested = false;
  }

  @Override
  public void decide(String action) {
    pendingDecision = action == null ? null : action.trim().toLowerCase();
  }

  @Override
  public void reportCopyProgress(CopyProgress progress) {
    if (progress != null) status.copy = progress;
  }

  @Override
  public void reportTableCopy(dev.migrator.model.TableCopyProgress progress) {
    chunkedCopy.report(progress);
  }

  @Override
  public void reportLag(LagReading reading) {
    if (reading == null) return;
    // A watch whose cancellation was lost may still report while the cutover runs: not news any more.
    if (safety && cutoverStage > CUT_NONE) return;
    status.lag = reading;
    String w = reading.trend == null ? null : reading.trend.warning;
    if (w != null && !w.equals(lastTrendWarning)) status.warnings.add("catch-up: " + w);
    lastTrendWarning = w;
    StepState st = steps.get(Step.CATCH_UP);
    if (StepState.RUNNING.equals(st.state) && reading.errorKind == null && !reading.caughtUp) {
      st.detail = describeLag(reading);
    }
  }

  static String describeLag(LagReading l) {
    StringBuilder sb = new StringBuilder(l.progress == null ? "behind" : l.progress);
    if (l.replica != null && l.replica.secondsBehind != null) sb.append(", ").append(l.replica.secondsBehind).append(" s behind");
    if (l.trend != null && l.trend.etaSeconds != null) sb.append(", ETA ").append(l.trend.etaSeconds).append(" s");
    if (l.diagnosis != null) sb.append(": ").append(l.diagnosis);
    return sb.toString();
  }
}
