package dev.migrator.activities;

import dev.migrator.model.MigrationRequest;
import dev.migrator.model.RetentionChange;
import io.temporal.activity.ActivityInterface;

/** Step 2: binlog retention on the source, and putting it back. */
@ActivityInterface
public interface RetentionActivities {
  /** Reads the current retention without changing it (recorded before any change). */
  RetentionChange readRetention(MigrationRequest request);

  /** Raises retention where the flavor allows it; checks it where it does not. */
  RetentionChange ensureRetention(MigrationRequest request, RetentionChange before);

  /** Puts back the value recorded by {@link #readRetention}. Idempotent. */
  void restoreRetention(MigrationRequest request, RetentionChange before);
}
