package dev.migrator.activities;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import io.temporal.activity.ActivityInterface;

/** Steps 9 and 10: replication source -> target, and lag. */
@ActivityInterface
public interface ReplicationActivities {
  /** True when the replication account already exists on the source (read before any change). */
  boolean replicationUserExists(MigrationRequest request);

  /** Creates the replication account on the source if asked and missing; returns true if created. */
  boolean ensureReplicationUser(MigrationRequest request);

  /** Drops the replication account if it exists. Idempotent. */
  void dropReplicationUser(MigrationRequest request);

  /** Points the target at the source from these coordinates and starts replication. */
  void startReplication(MigrationRequest request, BinlogCoordinates from);

  /** Stops replication on the target and forgets its configuration. Idempotent. */
  void stopAndResetReplication(MigrationRequest request);

  /**
   * Polls lag until the target is caught up for the request's number of stable polls, a
   * replication thread fails, or {@code maxSeconds} pass; returns the last reading. Heartbeats.
   */
  LagReading awaitCatchUp(MigrationRequest request, int maxSeconds);
}
