package dev.migrator.activities;

import dev.migrator.model.RetentionChange;
import io.temporal.activity.ActivityInterface;

/** Step 2: binlog retention on the source, and putting it back. */
@ActivityInterface
public interface RetentionActivities {
  /** Reads the current retention without changing it (recorded before any change). */
  RetentionChange readRetention(RetentionInput in);

  /** Raises retention where the flavor allows it; checks it where it does not. */
  RetentionChange ensureRetention(RetentionInput in, RetentionChange before);

  /** Puts back the value recorded by {@link #readRetention}. Idempotent. */
  void restoreRetention(RetentionInput in, RetentionChange before);
}
