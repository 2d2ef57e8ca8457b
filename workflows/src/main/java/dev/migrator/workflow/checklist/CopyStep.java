package dev.migrator.workflow.checklist;

import dev.migrator.activities.StepInputs;
import dev.migrator.model.CopyProgress;
import dev.migrator.model.CopySizing;
import dev.migrator.model.FailureType;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.LiveCopyResult;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.Step;
import dev.migrator.model.TableChecksum;
import dev.migrator.model.TableRef;
import dev.migrator.model.Transport;
import dev.migrator.model.VerifyOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * Step 6: the rows. live-consistent copies inside one snapshot of the live source (and checksums
 * it there); every other method copies chunked, in parallel and resumably from the frozen copy
 * ({@link ChunkedCopy}: table-copy children, direct or staged). Undo: empty the tables this
 * migration loaded (only in schemas it owns), and the stage.
 */
final class CopyStep {
  private final Migration m;
  private final StepRunner runner;

  CopyStep(Migration m, StepRunner runner) {
    this.m = m;
    this.runner = runner;
  }

  /** Returns the source's checksums when taken inside the snapshot (live-consistent), else null. */
  List<TableChecksum> run(FrozenCopy frozen, List<TableRef> tables) {
    MigrationRequest r = m.request;
    boolean staged = Transport.of(r.copy.transport) == Transport.STAGED;
    return runner.run(Step.COPY, () -> {
      m.shadow.register(Step.COPY.label, "empty the tables loaded by the copy"
          + ("keep".equals(r.rollbackTarget) ? " (on a rebuild only: rollbackTarget=keep)" : ""), () -> {
            if (!m.keepTarget()) m.warn("rollback: ", m.activities.copy.truncateTables(StepInputs.copy(r, frozen.endpoint), tables));
            if (staged) m.activities.stage.deleteStage(StepInputs.copy(r, frozen.endpoint));
          });
      RedoLogSwitch redo = RedoLogSwitch.of(m);
      if (redo == null) return copy(frozen, tables, staged);
      redo.disable();
      List<TableChecksum> sums;
      try {
        sums = copy(frozen, tables, staged);
      } catch (TemporalFailure e) {
        // Not on a rollback (its undo enables it) nor a cancelled workflow (no activity may run).
        if (!cancelled(e) && !m.rollbackRequested) redo.enableAfterFailure();
        throw e;
      }
      redo.enable();
      return sums;
    });
  }

  private List<TableChecksum> copy(FrozenCopy frozen, List<TableRef> tables, boolean staged) {
    MigrationRequest r = m.request;
    m.status.copy = new CopyProgress();
    if (FreezeMethod.LIVE_CONSISTENT.equals(frozen.method)) {
      LiveCopyResult res = m.activities.copy.copyLiveConsistent(StepInputs.copy(r, null), tables,
          Workflow.getInfo().getWorkflowId());
      frozen.coordinates = res.coordinates;
      m.status.copy = res.progress;
      if (m.pausesVisible && res.attempt > 1) {
        m.step(Step.COPY).detail = "restarted from scratch in a new snapshot (attempt " + res.attempt + "): an earlier"
            + " attempt was lost with its worker or failed; a live-consistent copy cannot resume";
      }
      return res.sourceChecksums;
    }
    if (frozen.endpoint == null) {
      throw FailureType.INVALID_REQUEST.failure("the freeze step of '" + frozen.method + "' returned no frozen copy to read");
    }
    CopySizing sizing = r.copy.parallelism > 0 ? CopySizing.fixed(r.copy.parallelism) : CopySizing.fixed(2);
    // Versioned: histories recorded before the rule of thumb replay with the old default of 2.
    if (r.copy.parallelism <= 0 && Workflow.getVersion("copy-sizing", Workflow.DEFAULT_VERSION, 1) >= 1) {
      sizing = m.activities.copy.sizeCopy(StepInputs.copy(r, frozen.endpoint));
    }
    m.step(Step.COPY).detail = "parallelism: " + sizing;
    // Versioned: histories recorded before inline checksums replay with the full verify.
    int inline = Workflow.getVersion("inline-checksums", Workflow.DEFAULT_VERSION, 1);
    m.chunkedCopy.inlineChecksums(inline >= 1 && VerifyOptions.INLINE.equals(verifyMode(r)) ? 1 : 0);
    m.chunkedCopy.run(r, frozen.endpoint, tables, sizing);
    if (staged && !r.copy.stage.keepFiles) {
      try {
        m.activities.stage.deleteStage(StepInputs.copy(r, frozen.endpoint));
      } catch (ActivityFailure e) {
        // The data is loaded; leftover files are an operator's chore, not a failed copy.
        m.status.warnings.add("copy: the stage " + r.copy.stage.location + " could not be emptied ("
            + Failures.describe(e) + "); delete " + r.migrationId + "/ under it by hand");
      }
    }
    return null; // verify checksums the frozen copy itself
  }

  /** A cancellation (of the workflow, or its scope), directly or as the cause of an activity's or child's failure. */
  private static boolean cancelled(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CanceledFailure) return true;
    }
    return false;
  }

  /** verify.mode, the default ("full") when left out. */
  static String verifyMode(MigrationRequest r) {
    return r.verify == null || r.verify.mode == null ? VerifyOptions.FULL : r.verify.mode;
  }
}
