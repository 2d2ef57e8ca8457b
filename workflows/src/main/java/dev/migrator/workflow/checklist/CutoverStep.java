package dev.migrator.workflow.checklist;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.CutoverResult;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.SourceFence;
import dev.migrator.model.Step;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * Step 12: stop writes on the source, drain the target to the source's exact position, prove the
 * source stood still, stop replication, optionally start reverse replication, make the target
 * writable, move the events, switch traffic, and release the source's lock. Undo ("switch back"):
 * events back, target read-only, reverse replication drained, traffic back, lock released, source
 * writable.
 */
final class CutoverStep {
  // How far the cutover got; a retry goes on from there, each stage is idempotent.
  static final int NONE = 0;
  static final int SOURCE_STOPPED = 1;
  static final int DRAINED = 2;
  static final int REVERSED = 3;
  static final int TARGET_WRITABLE = 4;
  static final int SWITCHED = 5;

  private final Migration m;
  private final StepRunner runner;
  private final AccountsStep accounts;
  private boolean reverseStarted;
  private boolean trafficSwitched;
  /** The source's write lock of the current attempt, until it is released. */
  private SourceFence fence;
  /** When the source began refusing writes in the current attempt (worker clock). */
  private Long refusedSinceMillis;
  private boolean eventsOffSource;
  private boolean eventsOnTarget;

  private boolean accountsSynced;

  CutoverStep(Migration m, StepRunner runner, AccountsStep accounts) {
    this.m = m;
    this.runner = runner;
    this.accounts = accounts;
  }

  /** Whether reverse replication runs (the finish step stops it). */
  boolean reverseStarted() {
    return reverseStarted;
  }

  private void stage(int stage) {
    m.cutoverStage = stage;
  }

  CutoverResult run() {
    return runner.run(Step.CUTOVER, this::provingTheSourceStoodStill);
  }

  /**
   * Stops writes on the source (read_only, super_read_only or a global read lock where read_only
   * alone lets privileged accounts through), drains the target to the source's position, and
   * proves the source stood still: replication threads stopped, the position read again, equal.
   * Only then is replication reset and the target made writable. A failure before that point makes
   * the source writable again (unless cutover.keepSourceReadOnlyOnFailure) and pauses; a retry goes
   * on from the last stage that completed.
   */
  private CutoverResult provingTheSourceStoodStill() {
    MigrationRequest r = m.request;
    var cutover = m.activities.cutover;
    boolean moveEvents = !m.eventsToMove.isEmpty();
    // Registered first, so a rollback at any point of the cutover switches back completely.
    m.shadow.register(Step.CUTOVER.label, "switch back: " + (moveEvents ? "events back, " : "") + "target read-only,"
        + " drain reverse replication, release the source's write lock, source writable, traffic back",
        this::switchBack);
    CutoverResult c = m.status.cutover != null ? m.status.cutover : new CutoverResult();
    m.status.cutover = c;
    try {
      if (m.cutoverStage < SOURCE_STOPPED) {
        // The source's events stop before it turns read-only (a read-only source refuses ALTER EVENT);
        // not binary-logged, so the switch never replicates to the target.
        if (moveEvents && !eventsOffSource) {
          events(cutover.setEvents(m.cutoverIn, "source", m.eventsToMove, false));
          eventsOffSource = true;
        }
        long at = cutover.setSourceReadOnly(m.cutoverIn, true);
        if (refusedSinceMillis == null) refusedSinceMillis = at;
        fence = cutover.fenceSource(m.cutoverIn);
        m.status.sourceFence = fence;
        c.sourceStoppedBy = fence.how;
        if (runner.killWritersNext) {
          runner.killWritersNext = false;
          events(cutover.killSourceWriters(m.cutoverIn, fence));
        }
        stage(SOURCE_STOPPED);
      }
      if (m.cutoverStage < DRAINED) {
        BinlogCoordinates p = cutover.sourcePosition(m.cutoverIn);
        cutover.waitForTargetPosition(m.cutoverIn, p);
        c.provenPosition = cutover.confirmSourceStill(m.cutoverIn, p);
        c.finalPosition = p;
        m.activities.replication.stopAndResetReplication(m.replicationIn);
        stage(DRAINED);
      }
      if (r.cutover.reverseReplication && m.cutoverStage < REVERSED) {
        // Seed 001: the old source follows the new primary, so a rollback loses nothing.
        reverseStarted = true;
        c.reverseFrom = cutover.targetPosition(m.cutoverIn);
        reverseTls(cutover.startReverseReplication(m.cutoverIn, c.reverseFrom));
        stage(REVERSED);
      }
      if (m.cutoverStage < TARGET_WRITABLE) {
        c.targetWritableAtMillis = cutover.setTargetReadOnly(m.cutoverIn, false);
        c.sourceReadOnlyAtMillis = refusedSinceMillis == null ? c.targetWritableAtMillis : refusedSinceMillis;
        c.writeDowntimeMillis = Math.max(0, c.targetWritableAtMillis - c.sourceReadOnlyAtMillis);
        stage(TARGET_WRITABLE);
      }
      if (!accountsSynced) {
        // copy-and-sync: the source stands still and the target takes writes; the application's
        // accounts there must be as on the source before its traffic comes.
        accounts.atCutover();
        accountsSynced = true;
      }
      if (moveEvents && !eventsOnTarget) {
        List<String> notes = cutover.setEvents(m.cutoverIn, "target", m.eventsToMove, true);
        events(notes);
        eventsOnTarget = true;
        c.events = eventsWhere("target", "source", notes);
      }
      if (r.cutover.trafficSwitch != null && m.cutoverStage < SWITCHED) {
        trafficSwitched = true;
        c.trafficSwitch = m.activities.traffic.switchTraffic(m.trafficIn);
        stage(SWITCHED);
      }
    } catch (TemporalFailure e) {
      if (m.cutoverStage < DRAINED && !m.rollbackRequested && !(e instanceof CanceledFailure)) {
        restoreSourceAfterFailure(c, e);
      }
      throw e;
    }
    // Traffic is on the target: sessions still blocked on the lock are killed first (their writes
    // were never acknowledged), then the lock goes.
    if (fence != null && fence.lockConnectionId != null) events(cutover.releaseSourceFence(m.cutoverIn, fence));
    fence = null;
    if (!r.cutover.reverseReplication) warnIfTheOldSourceMoved(c);
    m.step(Step.CUTOVER).detail = "final position " + c.finalPosition + " (the source stood still: re-read after"
        + " replication stopped), writes stopped by " + c.sourceStoppedBy + ", refused for " + c.writeDowntimeMillis
        + " ms" + (c.failedAttempts == 0 ? "" : " (plus " + c.failedAttemptsDowntimeMillis + " ms in "
        + c.failedAttempts + " failed attempt(s))")
        + (c.reverseFrom == null ? "" : ", reverse replication from " + c.reverseFrom)
        + (c.events == null ? "" : ", events " + c.events);
    return c;
  }

  /**
   * The status line of where the moved events run; those the enabling side could not switch
   * ({@code notes} "event x left disabled ...", each also a warning) are named apart.
   */
  private String eventsWhere(String enabledOn, String disabledOn, List<String> notes) {
    List<String> moved = new java.util.ArrayList<>();
    List<String> left = new java.util.ArrayList<>();
    for (String e : m.eventsToMove) {
      boolean failed = notes != null && notes.stream().anyMatch(n -> n.startsWith("event " + e + " left disabled")
          || n.startsWith("event " + e + " does not exist"));
      (failed ? left : moved).add(e);
    }
    return "enabled on the " + enabledOn + ", disabled on the " + disabledOn + ": " + moved
        + (left.isEmpty() ? "" : "; not enabled on the " + enabledOn + " (see the warnings): " + left);
  }

  /** The reverse channel's TLS warnings into the status (null when replaying a run recorded before it was returned). */
  private void reverseTls(dev.migrator.model.ChannelTls tls) {
    if (tls != null) m.warn("cutover: reverse ", tls.warnings);
  }

  private void events(List<String> notes) {
    m.warn("cutover: ", notes);
  }

  /** After the switch: a session that can write through read-only and did not follow it wrote there. */
  private void warnIfTheOldSourceMoved(CutoverResult c) {
    try {
      BinlogCoordinates after = m.activities.cutover.sourcePosition(m.cutoverIn);
      if (after != null && c.finalPosition != null && after.compareTo(c.finalPosition) != 0) {
        m.status.warnings.add("cutover: the old source's binary log moved from " + c.finalPosition + " to " + after
            + " after traffic was switched: a session that can write through read-only wrote there"
            + (m.status.sourceFence == null || m.status.sourceFence.bypassSessions.isEmpty() ? ""
                : " (sessions that can: " + m.status.sourceFence.bypassSessions + ")")
            + "; those writes are on the old source only (mysqlbinlog --start-position " + c.finalPosition.position
            + " " + c.finalPosition.file + " shows them)");
      }
    } catch (ActivityFailure e) {
      m.status.warnings.add("cutover: could not re-read the old source's position after the switch ("
          + Failures.describe(e) + ")");
    }
  }

  /**
   * A cutover that failed before replication was stopped: the source takes writes again (and its
   * events run there again), replication goes on, so the migration can pause without downtime.
   */
  private void restoreSourceAfterFailure(CutoverResult c, TemporalFailure cause) {
    var cutover = m.activities.cutover;
    if (m.request.cutover.keepSourceReadOnlyOnFailure) {
      m.status.warnings.add("cutover: failed (" + Failures.describe(cause) + "); the source stays read-only"
          + " (cutover.keepSourceReadOnlyOnFailure): 'migrator decide " + m.status.migrationId + " retry' or rollback");
      return;
    }
    try {
      if (fence != null && fence.lockConnectionId != null) events(cutover.releaseSourceFence(m.cutoverIn, fence));
      fence = null;
      long refused = 0;
      if (refusedSinceMillis != null) {
        long at = cutover.setSourceReadOnly(m.cutoverIn, false);
        refused = Math.max(0, at - refusedSinceMillis);
        c.failedAttempts++;
        c.failedAttemptsDowntimeMillis += refused;
        refusedSinceMillis = null;
      }
      if (eventsOffSource) {
        List<String> notes = cutover.setEvents(m.cutoverIn, "source", m.eventsToMove, true);
        events(notes);
        eventsOffSource = false;
        c.events = eventsWhere("source", "target", notes);
      }
      stage(NONE);
      m.status.warnings.add("cutover: attempt failed before replication was stopped (" + Failures.describe(cause)
          + "); the source is writable again after refusing writes for " + refused + " ms, and replication goes on");
    } catch (TemporalFailure restoreFailed) {
      m.status.warnings.add("cutover: could not make the source writable again after the failure ("
          + Failures.describe(restoreFailed) + "): check read_only on the source");
    }
  }

  /** The undo; each part only if the cutover got that far. */
  private void switchBack() {
    var cutover = m.activities.cutover;
    if (eventsOnTarget) {
      events(cutover.setEvents(m.cutoverIn, "target", m.eventsToMove, false));
      eventsOnTarget = false;
    }
    cutover.setTargetReadOnly(m.cutoverIn, true);
    if (reverseStarted) {
      cutover.waitForSourcePosition(m.cutoverIn, cutover.targetPosition(m.cutoverIn));
      cutover.stopReverseReplication(m.cutoverIn);
    }
    if (trafficSwitched) m.activities.traffic.switchTrafficBack(m.trafficIn);
    if (fence != null && fence.lockConnectionId != null) cutover.releaseSourceFence(m.cutoverIn, fence);
    fence = null;
    cutover.setSourceReadOnly(m.cutoverIn, false);
    if (eventsOffSource) {
      List<String> notes = cutover.setEvents(m.cutoverIn, "source", m.eventsToMove, true);
      events(notes);
      eventsOffSource = false;
      if (m.status.cutover != null) m.status.cutover.events = "back on the source: " + eventsWhere("source", "target", notes);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Runs recorded before "nothing lost" (no proof, no lock, events switched in one call): replayed as they ran.

  CutoverResult runBeforeNothingLost() {
    MigrationRequest r = m.request;
    var cutover = m.activities.cutover;
    return runner.run(Step.CUTOVER, () -> {
      // Versioned: histories recorded before events moved at cutover replay without it.
      boolean moveEvents = !m.eventsToMove.isEmpty()
          && Workflow.getVersion("events-at-cutover", Workflow.DEFAULT_VERSION, 1) >= 1;
      if (moveEvents) {
        // Registered before the switch back, so it runs after it (the source writable again).
        m.shadow.register(Step.CUTOVER.label, "events back: disabled on the target, enabled on the source "
            + m.eventsToMove, () -> events(cutover.switchEvents(m.cutoverIn, m.eventsToMove, false)));
      }
      // Registered first, so a rollback at any point of the cutover switches back completely.
      m.shadow.register(Step.CUTOVER.label, "switch back: target read-only, drain reverse replication, source writable,"
          + " traffic back", this::switchBackBeforeNothingLost);
      // The source's events stop before it turns read-only (a read-only source refuses ALTER EVENT);
      // the target's start now (they fail harmlessly until it is writable, seconds later).
      if (moveEvents) events(cutover.switchEvents(m.cutoverIn, m.eventsToMove, true));
      CutoverResult c = new CutoverResult();
      c.sourceReadOnlyAtMillis = cutover.setSourceReadOnly(m.cutoverIn, true);
      c.finalPosition = cutover.sourcePosition(m.cutoverIn);
      cutover.waitForTargetPosition(m.cutoverIn, c.finalPosition);
      m.activities.replication.stopAndResetReplication(m.replicationIn);
      if (r.cutover.reverseReplication) {
        // Seed 001: the old source follows the new primary, so a rollback loses nothing.
        reverseStarted = true;
        c.reverseFrom = cutover.targetPosition(m.cutoverIn);
        reverseTls(cutover.startReverseReplication(m.cutoverIn, c.reverseFrom));
      }
      c.targetWritableAtMillis = cutover.setTargetReadOnly(m.cutoverIn, false);
      c.writeDowntimeMillis = Math.max(0, c.targetWritableAtMillis - c.sourceReadOnlyAtMillis);
      if (r.cutover.trafficSwitch != null) {
        trafficSwitched = true;
        c.trafficSwitch = m.activities.traffic.switchTraffic(m.trafficIn);
      }
      m.status.cutover = c;
      m.step(Step.CUTOVER).detail = "final position " + c.finalPosition + ", writes refused for "
          + c.writeDowntimeMillis + " ms" + (c.reverseFrom == null ? "" : ", reverse replication from " + c.reverseFrom);
      return c;
    });
  }

  /** The undo of {@link #runBeforeNothingLost}. */
  private void switchBackBeforeNothingLost() {
    var cutover = m.activities.cutover;
    cutover.setTargetReadOnly(m.cutoverIn, true);
    if (reverseStarted) {
      cutover.waitForSourcePosition(m.cutoverIn, cutover.targetPosition(m.cutoverIn));
      cutover.stopReverseReplication(m.cutoverIn);
    }
    if (trafficSwitched) m.activities.traffic.switchTrafficBack(m.trafficIn);
    cutover.setSourceReadOnly(m.cutoverIn, false);
  }
}
