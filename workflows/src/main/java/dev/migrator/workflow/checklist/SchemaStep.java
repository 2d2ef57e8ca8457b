package dev.migrator.workflow.checklist;

import dev.migrator.activities.StepInputs;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.SchemaResult;
import dev.migrator.model.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 4: schemas, tables, views, routines and (disabled) events on the target, each schema claimed
 * in the target's ownership table first. Undo: drop the schemas this migration created, and only
 * those (a schema holding objects it did not create is kept, with a warning); rollbackTarget keep
 * leaves them on a final rollback. The finish step releases ownership to the application.
 */
final class SchemaStep {
  private final Migration m;
  private final StepRunner runner;

  SchemaStep(Migration m, StepRunner runner) {
    this.m = m;
    this.runner = runner;
  }

  SchemaResult run(FrozenCopy frozen) {
    SchemaResult created = runner.run(Step.SCHEMA, () -> {
      List<String> ours = new ArrayList<>(m.request.schemas);
      m.shadow.register(Step.SCHEMA.label, "drop the schemas this migration created " + ours
          + ("keep".equals(m.request.rollbackTarget) ? " (on a rebuild only: rollbackTarget=keep)" : ""), () -> {
            if (!m.keepTarget()) m.warn("rollback: ", m.activities.schema.dropSchemas(StepInputs.schema(m.request, (FrozenCopy) null), ours));
          });
      SchemaResult res = m.activities.schema.createSchema(StepInputs.schema(m.request, frozen));
      if (res != null && !res.notes.isEmpty()) {
        res.notes.forEach(n -> m.status.warnings.add("schema: " + n));
        m.step(Step.SCHEMA).detail = res.notes.size() + " compatibility note(s), see warnings";
      }
      return res;
    });
    m.eventsToMove = created.enabledEvents == null ? List.of() : created.enabledEvents;
    return created;
  }

  /** After a completed migration: the schemas are the application's (a rehearsal keeps them until its rollback). */
  void release() {
    if (m.safety && !m.request.rehearsal) {
      m.activities.schema.releaseSchemas(StepInputs.schema(m.request, (FrozenCopy) null), m.request.schemas);
    }
  }
}
