package dev.migrator.activities;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.MigrationRequest;
import io.temporal.activity.ActivityInterface;

/** Step 12: stop writes, drain, switch. */
@ActivityInterface
public interface CutoverActivities {
  /** Sets read_only on the source; returns the worker's clock when done (epoch millis). */
  long setSourceReadOnly(MigrationRequest request, boolean readOnly);

  /** Sets read_only on the target; returns the worker's clock when done (epoch millis). */
  long setTargetReadOnly(MigrationRequest request, boolean readOnly);

  /** The source's current binlog position (SHOW MASTER STATUS / SHOW BINARY LOG STATUS). */
  BinlogCoordinates sourcePosition(MigrationRequest request);

  /** Waits (heartbeating) until the target has executed exactly {@code position}. */
  void waitForTargetPosition(MigrationRequest request, BinlogCoordinates position);
}
