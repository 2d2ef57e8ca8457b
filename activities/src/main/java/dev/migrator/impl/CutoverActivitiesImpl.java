package dev.migrator.impl;

import dev.migrator.activities.CutoverActivities;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Endpoint;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import dev.migrator.replication.ReplicationAccount;
import java.sql.Connection;
import java.sql.SQLException;

/** Step 12 for self-managed endpoints: read_only switches and the exact-position drain. */
public class CutoverActivitiesImpl implements CutoverActivities {
  private final Connector connector;

  private final ReadOnlyHooks hooks;

  public CutoverActivitiesImpl(Connector connector) {
    this(connector, new ReadOnlyHooks(software.amazon.awssdk.services.rds.RdsClient::create));
  }

  public CutoverActivitiesImpl(Connector connector, ReadOnlyHooks hooks) {
    this.connector = connector;
    this.hooks = hooks;
  }

  @Override
  public long setSourceReadOnly(MigrationRequest r, boolean readOnly) {
    return setReadOnly(r.migrationId, "source", r.source, readOnly);
  }

  @Override
  public long setTargetReadOnly(MigrationRequest r, boolean readOnly) {
    return setReadOnly(r.migrationId, "target", r.target, readOnly);
  }

  private long setReadOnly(String migrationId, String role, Endpoint e, boolean readOnly) {
    if (e.readOnlyHook != null) {
      hooks.setReadOnly(migrationId, role, e, readOnly);
      return System.currentTimeMillis();
    }
    try (Connection c = connector.open(role, e)) {
      if (e.isRdsFamily()) {
        // RDS/Aurora refuse SET GLOBAL: without a hook, only "writable" can be confirmed.
        if (!readOnly && "0".equals(Jdbc.scalar(c, "SELECT @@GLOBAL.read_only"))) return System.currentTimeMillis();
        throw ApplicationFailure.newNonRetryableFailure(role + ": read_only on " + e.flavor + " is set through the"
            + " instance's parameter group: configure " + role + ".readOnlyHook (type parameter-group with the"
            + " group's name, or a command/webhook that stops writes)", "Incompatible");
      }
      if (!readOnly && Jdbc.variable(c, "super_read_only") != null) Jdbc.exec(c, "SET GLOBAL super_read_only = OFF");
      // SET GLOBAL read_only waits for running commits, so no write lands after it returns.
      Jdbc.exec(c, "SET GLOBAL read_only = " + (readOnly ? "ON" : "OFF"));
      if (readOnly && Jdbc.variable(c, "super_read_only") != null) {
        // MySQL: also stop accounts with SUPER/CONNECTION_ADMIN; replication threads still apply.
        try {
          Jdbc.exec(c, "SET GLOBAL super_read_only = ON");
        } catch (SQLException notAllowed) {
          // the account may not: read_only alone stops ordinary application accounts
        }
      }
      return System.currentTimeMillis();
    } catch (SQLException ex) {
      throw MySqlErrors.failure(role, e, ex);
    }
  }

  @Override
  public BinlogCoordinates sourcePosition(MigrationRequest r) {
    try (Connection src = connector.open("source", r.source)) {
      return ReplicationActivitiesImpl.sourcePosition(src);
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  @Override
  public void waitForTargetPosition(MigrationRequest r, BinlogCoordinates position) {
    try (Connection src = connector.open("source", r.source); Connection dst = connector.open("target", r.target)) {
      drain(src, dst, "the target", position, r.cutover.drainTimeoutSeconds);
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  /**
   * Waits (heartbeating) until the replica behind {@code replica} has executed {@code position} of
   * the primary behind {@code primary}; fails on a replication error or after the timeout.
   */
  private static void drain(Connection primary, Connection replica, String who, BinlogCoordinates position,
      int timeoutSeconds) throws SQLException {
    long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
    while (true) {
      LagReading l = ReplicationActivitiesImpl.read(primary, replica);
      BinlogCoordinates executed = l.replica.executed();
      if (executed != null && executed.compareTo(position) >= 0) return;
      if (!l.replica.configured) {
        throw ApplicationFailure.newNonRetryableFailure(who + " has no replication to drain", "NotFound");
      }
      if (l.errorKind != null && !"connect".equals(l.errorKind)) {
        throw ApplicationFailure.newNonRetryableFailure(who + " stopped replicating before reaching " + position + ": "
            + l.diagnosis, "ReplicationError");
      }
      if (System.currentTimeMillis() > deadline) {
        throw ApplicationFailure.newFailure(who + " had not executed up to " + position + " after " + timeoutSeconds
            + " s (it is at " + executed + ")", "DrainTimeout");
      }
      Activity.getExecutionContext().heartbeat(executed == null ? null : executed.toString());
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure("interrupted while draining", "Interrupted");
      }
    }
  }

  @Override
  public BinlogCoordinates targetPosition(MigrationRequest r) {
    try (Connection dst = connector.open("target", r.target)) {
      return ReplicationActivitiesImpl.sourcePosition(dst);
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  @Override
  public void startReverseReplication(MigrationRequest r, BinlogCoordinates fromTarget) {
    String pw = connector.credentials().resolve(r.replication.password, "replication.password");
    try (Connection src = connector.open("source", r.source); Connection dst = connector.open("target", r.target)) {
      // The source connects to the target with the replication account; create it there, unlogged.
      ReplicationAccount.create(dst, r.replication.user, pw);
      // Odd ids on the source, even ids on the target: inserts on either side never collide.
      Jdbc.exec(src, "SET GLOBAL auto_increment_increment = 2", "SET GLOBAL auto_increment_offset = 1");
      Jdbc.exec(dst, "SET GLOBAL auto_increment_increment = 2", "SET GLOBAL auto_increment_offset = 2");
      ReplicationActivitiesImpl.pointReplicaAt(src, r.source, r.target, r, fromTarget, pw);
    } catch (SQLException e) {
      throw MySqlErrors.failure("reverse replication", r.source, e);
    }
  }

  @Override
  public void stopReverseReplication(MigrationRequest r) {
    try (Connection src = connector.open("source", r.source); Connection dst = connector.open("target", r.target)) {
      ReplicationActivitiesImpl.resetReplica(src, r.source);
      Jdbc.exec(src, "SET GLOBAL auto_increment_increment = 1", "SET GLOBAL auto_increment_offset = 1");
      Jdbc.exec(dst, "SET GLOBAL auto_increment_increment = 1", "SET GLOBAL auto_increment_offset = 1");
      ReplicationAccount.drop(dst, r.replication.user);
    } catch (SQLException e) {
      throw MySqlErrors.failure("reverse replication", r.source, e);
    }
  }

  @Override
  public void waitForSourcePosition(MigrationRequest r, BinlogCoordinates position) {
    try (Connection src = connector.open("source", r.source); Connection dst = connector.open("target", r.target)) {
      // Reverse direction: the target is the primary, the source the replica.
      drain(dst, src, "the source", position, r.cutover.drainTimeoutSeconds);
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  @Override
  public java.util.List<String> switchEvents(MigrationRequest r, java.util.List<String> events, boolean toTarget) {
    java.util.List<String> notes = new java.util.ArrayList<>();
    if (events == null || events.isEmpty()) return notes;
    // The side that stops running them first: never both at once.
    try (Connection src = connector.open("source", r.source); Connection dst = connector.open("target", r.target)) {
      if (toTarget) {
        EventSwitch.set(src, "source", events, false, notes);
        EventSwitch.set(dst, "target", events, true, notes);
      } else {
        EventSwitch.set(dst, "target", events, false, notes);
        EventSwitch.set(src, "source", events, true, notes);
      }
      return notes;
    } catch (SQLException e) {
      throw MySqlErrors.failure("events", toTarget ? r.target : r.source, e);
    }
  }
}
