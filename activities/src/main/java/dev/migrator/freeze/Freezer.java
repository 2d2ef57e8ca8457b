package dev.migrator.freeze;

import dev.migrator.model.FrozenCopy;
import dev.migrator.activities.FreezeInput;

/**
 * One way of freezing the source (request.method). Implementations must be idempotent and find
 * what they created by names derived from the migration id only, so that {@link #release} works
 * after a worker crash, after a freeze that never returned, and when called twice.
 */
public interface Freezer {
  /** The request.method this freezer serves. */
  String method();

  FrozenCopy freeze(FreezeInput request, String migrationId);

  void release(FreezeInput request, String migrationId);
}
