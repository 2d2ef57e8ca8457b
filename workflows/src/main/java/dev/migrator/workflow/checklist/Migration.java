package dev.migrator.workflow.checklist;

import dev.migrator.activities.CutoverInput;
import dev.migrator.activities.FreezeInput;
import dev.migrator.activities.ReplicationInput;
import dev.migrator.activities.RetentionInput;
import dev.migrator.activities.StepInputs;
import dev.migrator.activities.TrafficInput;
import dev.migrator.model.CopyProgress;
import dev.migrator.model.Decision;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.OnFailure;
import dev.migrator.model.Phase;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import dev.migrator.model.StepStatus;
import dev.migrator.model.TableCopyProgress;
import dev.migrator.workflow.MigrationSearchAttributes;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One running migration as its steps share it: the request and the step-sized inputs cut from it,
 * the status the query returns, the checklist rows, the shadow checklist, the activity stubs, what
 * operators asked for (approval, pause, rollback, a decision), and the versions this run follows.
 * Deterministic workflow state only; every step class gets it.
 */
public final class Migration {
  public final MigrationStatus status = new MigrationStatus();
  final Map<Step, StepState> steps = new EnumMap<>(Step.class);
  final ShadowChecklist shadow = new ShadowChecklist(status.shadow);
  final ActivityStubs activities = new ActivityStubs();
  private final MigrationSearchAttributes searchAttributes = new MigrationSearchAttributes();

  MigrationRequest request;
  RetentionInput retentionIn;
  FreezeInput freezeIn;
  ReplicationInput replicationIn;
  CutoverInput cutoverIn;
  TrafficInput trafficIn;

  // Versions this run follows (Workflow.getVersion at its start; old histories replay without them).
  /** False when replaying a run started before the workflow kept search attributes (no upserts there). */
  boolean publishSearchAttributes;
  /**
   * Runs started after "nothing lost, nothing destroyed": unskippable data-protecting findings, the
   * target kept read-only while it replicates, a cutover that proves the source stood still, an
   * approval wait that watches replication, one approval gate for signal and update.
   */
  boolean safety;
  /** Runs started after step 5 was wired: accounts copied (before the schema step), synced, undone, released. */
  boolean accountsStep;
  /**
   * Runs started after "nothing hidden": every wait for a human (the approval, an operator's pause
   * in the copy or while caught up, a replication error) sets MigrationPaused, its reason and step.
   */
  boolean pausesVisible;
  /**
   * Runs started after the fast copy defaults (issue 18): copy options left out get LOAD DATA where
   * the target allows it and deferred secondary indexes (before: INSERT, indexes first).
   */
  boolean fastCopyDefaults;
  /** The approval step waits for an operator's approval (pausesVisible runs publish it as paused). */
  boolean awaitingApproval;

  // What operators asked for (signals and updates).
  boolean approved;
  String approvedBy;
  boolean rollbackRequested;
  String rollbackReason;
  boolean pauseRequested;
  String pendingDecision;
  /** The scope of the running step: a rollback request cancels it. */
  CancellationScope currentScope;

  /** Set once the final rollback runs (rollbackTarget keep applies then, never to a rebuild). */
  boolean finalRollback;
  int rebuilds;
  String lastTrendWarning;
  /** Events ENABLED on the source at the schema step: the cutover moves them to the target. */
  List<String> eventsToMove = List.of();
  /** This migration created the replication account on the source (it did not exist before). */
  boolean replicationAccountCreated;

  /** How far the cutover got (CutoverStep's stages); late lag reports are not news once it started. */
  int cutoverStage;

  /** Hooks the copy step and the copy's progress signals share. */
  ChunkedCopy chunkedCopy;

  public Migration() {
    for (Step s : Step.values()) {
      StepState st = new StepState(s);
      steps.put(s, st);
      status.steps.add(st);
    }
    chunkedCopy = new ChunkedCopy(status, () -> pauseRequested, () -> rollbackRequested, this::checkRollback);
  }

  /** Reads this run's versions; the first thing the workflow does. */
  public void readVersions() {
    publishSearchAttributes = Workflow.getVersion("search-attributes", Workflow.DEFAULT_VERSION, 1) >= 1;
    safety = Workflow.getVersion("nothing-lost", Workflow.DEFAULT_VERSION, 1) >= 1;
    accountsStep = Workflow.getVersion("accounts-step", Workflow.DEFAULT_VERSION, 1) >= 1;
    pausesVisible = Workflow.getVersion("pauses-visible", Workflow.DEFAULT_VERSION, 1) >= 1;
    fastCopyDefaults = Workflow.getVersion("fast-copy-defaults", Workflow.DEFAULT_VERSION, 1) >= 1;
    if (pausesVisible) {
      chunkedCopy.onPauseChanged = p -> {
        if (p) setPaused(null);
        else setRunning();
        publish();
      };
    }
  }

  /** A valid request: the step inputs are cut from it, the endpoints go into the search attributes. */
  public void start(MigrationRequest r) {
    request = r;
    retentionIn = StepInputs.retention(r);
    freezeIn = StepInputs.freeze(r);
    replicationIn = StepInputs.replication(r);
    cutoverIn = StepInputs.cutover(r);
    trafficIn = StepInputs.traffic(r);
    if (publishSearchAttributes) {
      searchAttributes.start(r.source.host + ":" + r.source.port, r.target.host + ":" + r.target.port, r.rehearsal);
    }
    publish();
  }

  /**
   * The migration completed: the undos still pending will never run (pauses-visible runs say so
   * on their rows instead of leaving them pending as if a rollback could still come).
   */
  public void completed() {
    if (!pausesVisible) return;
    shadow.retireAll("the migration completed at " + java.time.Instant.ofEpochMilli(Workflow.currentTimeMillis())
        + ": nothing to roll back any more (the target is the live database)");
  }

  StepState step(Step s) {
    return steps.get(s);
  }

  OnFailure onFailure() {
    return OnFailure.of(request == null ? null : request.onFailure);
  }

  /** Keeps the search attributes (phase, paused, reason, step) in line with the status. */
  public void publish() {
    if (!publishSearchAttributes) return;
    // Waiting for approval is waiting for a human: on-call finds it with the paused ones.
    boolean waitingForApproval = pausesVisible && awaitingApproval && !approved && !status.paused
        && status.phase == Phase.RUNNING;
    String reason = status.pausedReason;
    if (pausesVisible && reason == null && status.rollbackReason != null
        && (status.phase == Phase.ROLLING_BACK || status.phase == Phase.ROLLED_BACK || status.phase == Phase.FAILED)) {
      reason = "rollback: " + status.rollbackReason; // why it rolls (or rolled) back
    }
    searchAttributes.update(waitingForApproval ? Phase.PAUSED.wire() : status.phase.wire(),
        status.paused || waitingForApproval, reason, status.currentStep);
  }

  void checkRollback() {
    if (rollbackRequested) throw new RollbackRequested();
  }

  void warn(String prefix, List<String> notes) {
    if (notes != null) notes.forEach(n -> status.warnings.add(prefix + n));
  }

  static void finish(StepState st, StepStatus state, String detail) {
    st.state = state;
    st.detail = detail;
    st.endedAtMillis = Workflow.currentTimeMillis();
    st.durationMillis = st.startedAtMillis == null ? 0 : st.endedAtMillis - st.startedAtMillis;
  }

  void skip(Step s, String why) {
    StepState st = steps.get(s);
    st.startedAtMillis = Workflow.currentTimeMillis();
    finish(st, StepState.SKIPPED, why);
  }

  /** A final rollback leaves the target's data when the request says so; a rebuild never does. */
  boolean keepTarget() {
    return finalRollback && "keep".equals(request.rollbackTarget);
  }

  void setPaused(String reason) {
    status.paused = true;
    status.phase = Phase.PAUSED;
    if (reason != null) status.pausedReason = reason;
  }

  void setRunning() {
    status.paused = false;
    status.phase = Phase.RUNNING;
    status.pausedReason = null;
  }

  // ---------------------------------------------------------------------------------------------
  // What operators ask for; the workflow's signal and update handlers call these.

  /** The approval gate, for the update's validator and the signal alike: null = acceptable. */
  public String approvalRefusal() {
    return ApprovalGate.refusal(status, request == null ? Integer.MAX_VALUE : request.cutover.maxLagSecondsForApproval);
  }

  public String approveByUpdate(String by) {
    approved = true;
    approvedBy = by;
    if (safety) status.approvalRefused = null;
    return "approved" + (by == null ? "" : " by " + by) + "; the cutover starts "
        + (Step.APPROVE.label.equals(status.currentStep) ? "now" : "when the checklist reaches it");
  }

  /** Returns false when the gate refused (the reason is in the status's approvalRefused). */
  public boolean approveBySignal() {
    // One gate for the signal and the update: a signal cannot answer, so the refusal is in the status.
    if (safety) {
      String why = approvalRefusal();
      if (why != null) {
        status.approvalRefused = "approve signal refused: " + why;
        return false;
      }
      status.approvalRefused = null;
    }
    approved = true;
    return true;
  }

  public void requestRollback(String reason) {
    rollbackRequested = true;
    rollbackReason = reason == null ? "requested by operator" : reason;
    status.rollbackReason = rollbackReason;
    if (currentScope != null) currentScope.cancel(rollbackReason);
  }

  public void requestPause(String reason) {
    pauseRequested = true;
    status.pausedReason = reason == null || reason.isBlank() ? "paused by operator" : reason;
  }

  /** Why the shadow checklist runs (set when the workflow itself decides to roll back). */
  public void requestedRollbackReason(String reason) {
    rollbackReason = reason;
    status.rollbackReason = reason;
  }

  public void resume() {
    pauseRequested = false;
  }

  public void decide(String action) {
    pendingDecision = action == null ? null : action.trim().toLowerCase();
  }

  /** The pending decision, if it is one of the allowed ones. */
  Decision allowedPendingDecision() {
    Decision d = Decision.parse(pendingDecision);
    return d != null && status.allowedDecisions.contains(d) ? d : null;
  }

  public void reportCopyProgress(CopyProgress progress) {
    if (progress != null) status.copy = progress;
  }

  public void reportTableCopy(TableCopyProgress progress) {
    chunkedCopy.report(progress);
  }

  public void reportLag(LagReading reading) {
    if (reading == null) return;
    // A watch left behind after the approval may still report while the cutover runs: not news any more.
    if (safety && cutoverStage > CutoverStep.NONE) return;
    status.lag = reading;
    status.replicationNote = reading.note;
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
    if (l.note != null) sb.append(" (").append(l.note).append(')');
    return sb.toString();
  }
}
