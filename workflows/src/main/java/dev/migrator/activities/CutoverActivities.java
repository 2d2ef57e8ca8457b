package dev.migrator.activities;

import dev.migrator.model.BinlogCoordinates;
import io.temporal.activity.ActivityInterface;

/** Step 12: stop writes, drain, switch. */
@ActivityInterface
public interface CutoverActivities {
  /** Sets read_only on the source; returns the worker's clock when done (epoch millis). */
  long setSourceReadOnly(CutoverInput in, boolean readOnly);

  /** Sets read_only on the target; returns the worker's clock when done (epoch millis). */
  long setTargetReadOnly(CutoverInput in, boolean readOnly);

  /**
   * After read_only is on: stops the accounts read_only lets through. Where super_read_only is in
   * force (or a read-only hook), nothing more is needed. Otherwise (MariaDB's READ_ONLY ADMIN,
   * MySQL accounts with SUPER/CONNECTION_ADMIN where super_read_only could not be set) it takes a
   * global read lock (FLUSH TABLES WITH READ LOCK, cutover.sourceWriteLock=auto) in a session the
   * worker keeps open until {@link #releaseSourceFence}. Lists the sessions that could still write.
   * Idempotent: a second call for the same migration returns the lock already held.
   */
  dev.migrator.model.SourceFence fenceSource(CutoverInput in);

  /**
   * Releases the global read lock of {@link #fenceSource}: first kills the sessions waiting for it
   * (their writes were never acknowledged; released, they would commit on the old source), then
   * ends the locking session. Idempotent; works from any worker. Returns notes for the status.
   */
  java.util.List<String> releaseSourceFence(CutoverInput in, dev.migrator.model.SourceFence fence);

  /**
   * The proof that the source stood still: stops the target's replication threads, then reads the
   * source's position again. Equal to {@code position}: every write the source acknowledged is on
   * the target; returns it. Moved: starts the replication threads again and fails (non-retryable,
   * type SourceMoved) naming the sessions that can write through read-only.
   */
  BinlogCoordinates confirmSourceStill(CutoverInput in, BinlogCoordinates position);

  /**
   * Decision "kill-and-retry": kills the sessions on the source whose accounts can write through
   * read_only (never replication threads, this session or the fence's lock session). Returns what was killed.
   */
  java.util.List<String> killSourceWriters(CutoverInput in, dev.migrator.model.SourceFence fence);

  /**
   * Enables or disables the given events ("schema.event") on one side ("source" or "target"),
   * definers kept, without binary logging where the account may (so the switch never replicates).
   * Idempotent. Returns notes (events that could not be switched, an event scheduler that is off).
   */
  java.util.List<String> setEvents(CutoverInput in, String side, java.util.List<String> events, boolean enabled);

  /**
   * Keeps the target read-only while it replicates (replicate step until cutover): read_only, plus
   * super_read_only where the server has it and the account may (then no account but the
   * replication threads can write), or the target's readOnlyHook. Idempotent.
   */
  dev.migrator.model.ReadOnlyGuard guardTarget(CutoverInput in);

  /** Undoes {@link #guardTarget}: read_only back to {@code readOnlyBefore}, super_read_only off. Idempotent. */
  void unguardTarget(CutoverInput in, boolean readOnlyBefore);

  /** The source's current binlog position (SHOW MASTER STATUS / SHOW BINARY LOG STATUS). */
  BinlogCoordinates sourcePosition(CutoverInput in);

  /** Waits (heartbeating) until the target has executed exactly {@code position}. */
  void waitForTargetPosition(CutoverInput in, BinlogCoordinates position);

  /** The target's current binlog position (where reverse replication starts). */
  BinlogCoordinates targetPosition(CutoverInput in);

  /**
   * Reverse replication target -> source for fallback (seed 001): an account on the target for
   * the source to connect with, auto_increment_increment/offset on both sides so inserts on
   * either never collide, and the source replicating from {@code fromTarget}, over TLS whenever
   * the target offers it. Returns how the channel uses TLS (returned void before: recorded
   * histories replay with null).
   */
  dev.migrator.model.ChannelTls startReverseReplication(CutoverInput in, BinlogCoordinates fromTarget);

  /** Stops reverse replication on the source and puts auto_increment settings back. Idempotent. */
  void stopReverseReplication(CutoverInput in);

  /** Waits (heartbeating) until the source has executed the target's {@code position}. */
  void waitForSourcePosition(CutoverInput in, BinlogCoordinates position);

  /**
   * Moves the source's scheduled events to the target ({@code toTarget}) or back: ENABLE on one
   * side, DISABLE on the other, each with its definer kept (ALTER DEFINER = ... EVENT, because a
   * plain ALTER EVENT makes the executing account the definer). {@code events} are "schema.event"
   * names from the schema step. Idempotent. Returns notes: events that could not be switched on a
   * side (missing privilege: the event stays as it was there) and an event scheduler that is off.
   */
  java.util.List<String> switchEvents(CutoverInput in, java.util.List<String> events, boolean toTarget);
}
