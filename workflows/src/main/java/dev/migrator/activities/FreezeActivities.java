package dev.migrator.activities;

import dev.migrator.model.FrozenCopy;
import io.temporal.activity.ActivityInterface;

/** Step 3 and 8: obtain the frozen copy of the source, and release it. */
@ActivityInterface
public interface FreezeActivities {
  FrozenCopy freeze(FreezeInput in);

  /**
   * Deletes or restarts whatever {@link #freeze} created for this migration id. Idempotent; finds
   * resources by names derived from the migration id, so it also works when freeze never returned.
   */
  void releaseFrozenCopy(FreezeInput in);
}
