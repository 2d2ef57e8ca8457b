package dev.migrator.activities;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.LagReading;
import io.temporal.activity.ActivityInterface;

/** Steps 9 and 10: replication source -> target, and lag. */
@ActivityInterface
public interface ReplicationActivities {
  /** True when the replication account already exists on the source (read before any change). */
  boolean replicationUserExists(ReplicationInput in);

  /** Creates the replication account on the source if asked and missing; returns true if created. */
  boolean ensureReplicationUser(ReplicationInput in);

  /** Drops the replication account if it exists. Idempotent. */
  void dropReplicationUser(ReplicationInput in);

  /**
   * Points the target at the source from these coordinates and starts replication, over TLS
   * whenever the source offers it. Returns how the channel uses TLS (its warnings go into the
   * status). Returned void before: recorded histories replay with null.
   */
  dev.migrator.model.ChannelTls startReplication(ReplicationInput in, BinlogCoordinates from);

  /** Stops replication on the target and forgets its configuration. Idempotent. */
  void stopAndResetReplication(ReplicationInput in);

  /**
   * Polls lag until the target is caught up for the request's number of stable polls, a
   * replication thread fails, or {@code maxSeconds} pass; returns the last reading. Heartbeats.
   */
  LagReading awaitCatchUp(ReplicationInput in, int maxSeconds);

  /**
   * Watches replication while the migration waits for approval: polls every pollSeconds and
   * returns the reading as soon as a replication thread fails (a connect error only after it
   * lasts), or what the approval gate decides on changes against the first reading (threads
   * running, lag within {@code maxLagSeconds}), or {@code maxSeconds} pass. Heartbeats.
   */
  LagReading watchReplication(ReplicationInput in, int maxSeconds, int maxLagSeconds);

  /**
   * Starts the replication threads again as configured (decision "retry": after an operator fixed
   * the cause, e.g. removed a conflicting row or fixed the replication account). Idempotent.
   */
  void resumeReplication(ReplicationInput in);

  /**
   * Skips the one event the SQL thread stopped on and starts replication again (decision "skip",
   * for 1062/1032 only): {@code sql_slave_skip_counter=1} / {@code mysql.rds_skip_repl_error}.
   * Returns the error that was skipped. The target drifts from the source by that event.
   */
  String skipReplicationEvent(ReplicationInput in);

  /**
   * Moves the IO thread to position 4 of the binlog file after the one it failed on (decision
   * "next-log", for 1236 impossible position): CHANGE MASTER / {@code mysql.rds_next_master_log}.
   * Returns the new coordinates.
   */
  BinlogCoordinates moveToNextLog(ReplicationInput in);
}
