package dev.migrator.adapters;

import dev.migrator.model.CopyProgress;

/** Delivers copy progress to the migration workflow (a signal, in the worker). */
@FunctionalInterface
public interface ProgressReporter {
  void report(String workflowId, CopyProgress progress);

  ProgressReporter NONE = (id, p) -> {};
}
