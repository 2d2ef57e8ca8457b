package dev.migrator.workflow.checklist;

import dev.migrator.activities.StepInputs;
import dev.migrator.model.FailureType;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.SchemaResult;
import dev.migrator.model.Step;
import dev.migrator.model.TableChecksum;
import dev.migrator.model.TableRef;
import dev.migrator.model.VerifyResult;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * Step 7: row counts and checksums, frozen copy (or the snapshot's own checksums) against the
 * target, must match exactly; then the triggers and deferred secondary indexes, so the copy never
 * fired them. Reads only: no undo of its own (the objects go with the schema).
 */
final class VerifyStep {
  private final Migration m;
  private final StepRunner runner;

  VerifyStep(Migration m, StepRunner runner) {
    this.m = m;
    this.runner = runner;
  }

  void run(FrozenCopy frozen, List<TableRef> tables, List<TableChecksum> sourceChecksums) {
    runner.run(Step.VERIFY, () -> {
      dev.migrator.activities.VerifyInput in = StepInputs.verify(m.request, frozen, tables, sourceChecksums);
      if (sourceChecksums == null && m.chunkedCopy.inlineChecksums() >= 1) {
        // The copy checksummed every chunk on both sides: verify reads the target once more.
        in.inlineChecksums = m.chunkedCopy.inlineChecksums();
        in.inline = m.chunkedCopy.inlineSums();
        int reread = 0;
        int whole = 0;
        for (dev.migrator.model.TableSums t : in.inline.values()) {
          reread += t.unknown.size();
          if (t.sourceUnknown) whole++;
        }
        whole += (int) tables.stream().filter(t -> !in.inline.containsKey(t.qualified())).count();
        m.step(Step.VERIFY).detail = "inline: the copy's checksums against a fresh read of the target"
            + (reread > 0 ? "; " + reread + " chunk(s) without checksums read again on the frozen copy" : "")
            + (whole > 0 ? "; " + whole + " table(s) read in full on the frozen copy" : "");
      }
      VerifyResult res = m.activities.verify.verify(in);
      m.status.verify = res;
      if (!res.ok) throw FailureType.VERIFY_FAILED.failure("verification failed: " + res.summary());
      // Versioned: histories recorded before this call existed replay without it.
      if (Workflow.getVersion("post-load-objects", Workflow.DEFAULT_VERSION, 1) < 1) return res;
      SchemaResult post = m.activities.schema.createPostLoadObjects(StepInputs.schema(m.request, frozen));
      if (post != null && !post.notes.isEmpty()) {
        post.notes.forEach(n -> m.status.warnings.add("schema: " + n));
        m.step(Step.VERIFY).detail = "post-load objects: " + post.notes.size() + " note(s)";
      }
      return res;
    });
  }
}
