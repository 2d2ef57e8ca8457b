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

  /** The target's current binlog position (where reverse replication starts). */
  BinlogCoordinates targetPosition(MigrationRequest request);

  /**
   * Reverse replication target -> source for fallback (seed 001): an account on the target for
   * the source to connect with, auto_increment_increment/offset on both sides so inserts on
   * either never collide, and the source replicating from {@code fromTarget}.
   */
  void startReverseReplication(MigrationRequest request, BinlogCoordinates fromTarget);

  /** Stops reverse replication on the source and puts auto_increment settings back. Idempotent. */
  void stopReverseReplication(MigrationRequest request);

  /** Waits (heartbeating) until the source has executed the target's {@code position}. */
  void waitForSourcePosition(MigrationRequest request, BinlogCoordinates position);

  /**
   * Moves the source's scheduled events to the target ({@code toTarget}) or back: ENABLE on one
   * side, DISABLE on the other, each with its definer kept (ALTER DEFINER = ... EVENT, because a
   * plain ALTER EVENT makes the executing account the definer). {@code events} are "schema.event"
   * names from the schema step. Idempotent. Returns notes: events that could not be switched on a
   * side (missing privilege: the event stays as it was there) and an event scheduler that is off.
   */
  java.util.List<String> switchEvents(MigrationRequest request, java.util.List<String> events, boolean toTarget);
}
