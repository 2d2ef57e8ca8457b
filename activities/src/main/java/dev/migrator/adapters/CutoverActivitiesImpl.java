package dev.migrator.adapters;

import dev.migrator.activities.CutoverActivities;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Endpoint;
import dev.migrator.model.LagReading;
import dev.migrator.activities.CutoverInput;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import dev.migrator.replication.ReplicationAccount;
import dev.migrator.guard.ReadOnlyBypass;
import dev.migrator.guard.SourceFences;
import dev.migrator.model.ReadOnlyGuard;
import dev.migrator.model.SourceFence;
import dev.migrator.mysql.ServerInfo;
import dev.migrator.replication.ReplicationConfigurator;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
  public long setSourceReadOnly(CutoverInput r, boolean readOnly) {
    return setReadOnly(r.migrationId, "source", r.source, readOnly);
  }

  @Override
  public long setTargetReadOnly(CutoverInput r, boolean readOnly) {
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

  // ---------------------------------------------------------------------------------------------
  // Stopping every writer, and proving it.

  /** The source's lock key on this worker: one lock per migration and source. */
  private static String fenceKey(CutoverInput r) {
    return dev.migrator.guard.SchemaOwnership.Owner.of(r.migrationId).workflowId() + "@" + r.source.address();
  }

  @Override
  public SourceFence fenceSource(CutoverInput r) {
    SourceFence f = new SourceFence();
    Endpoint e = r.source;
    if (e.readOnlyHook != null || e.isRdsFamily()) {
      // RDS/Aurora: no account migrator can use holds SUPER; the parameter group's read_only stops them all.
      f.how = e.readOnlyHook != null ? "read-only hook (" + e.readOnlyHook.type + ")" : "read_only";
      f.stopsEveryone = e.isRdsFamily();
      if (!f.stopsEveryone) f.note = "a hook stops writes: migrator cannot tell who may still write; the proof that"
          + " the source stood still decides";
      return f;
    }
    try (Connection c = connector.open("source", e)) {
      ServerInfo info = ServerInfo.of(c);
      if ("ON".equalsIgnoreCase(Jdbc.variable(c, "super_read_only"))) {
        f.how = "read_only + super_read_only";
        f.stopsEveryone = true;
        return f;
      }
      Set<String> accounts = ReadOnlyBypass.accounts(c, info);
      if (!"none".equals(r.cutover.sourceWriteLock)) {
        try {
          int hold = Math.max(60, r.cutover.drainTimeoutSeconds) + 300;
          f.lockConnectionId = SourceFences.lock(fenceKey(r), () -> connector.openRaw("source", e),
              r.cutover.lockWaitSeconds, hold);
          f.how = "read_only + a global read lock (FLUSH TABLES WITH READ LOCK, session " + f.lockConnectionId
              + ") held until traffic is switched";
          f.stopsEveryone = true;
          return f;
        } catch (SQLException lockFailed) {
          f.note = "no global read lock (" + MySqlErrors.diagnose("source", e, lockFailed).message() + ")";
        }
      } else {
        f.note = "cutover.sourceWriteLock is none";
      }
      f.how = "read_only";
      for (ReadOnlyBypass.Session s : ReadOnlyBypass.sessions(c, accounts, List.of())) f.bypassSessions.add(s.describe());
      return f;
    } catch (SQLException ex) {
      throw MySqlErrors.failure("source", e, ex);
    }
  }

  @Override
  public List<String> releaseSourceFence(CutoverInput r, SourceFence fence) {
    List<String> notes = new ArrayList<>();
    if (fence == null || fence.lockConnectionId == null) return notes;
    try (Connection c = connector.open("source", r.source)) {
      // Writers blocked by the lock: their writes were never acknowledged, and would commit on the old
      // source the moment it goes. Their sessions end; applications reconnect (to the target).
      List<Long> waiting = ReadOnlyBypass.waitingForTheLock(c, fence.lockConnectionId);
      for (long id : waiting) kill(c, id, notes);
      if (!waiting.isEmpty()) {
        notes.add(waiting.size() + " session(s) waiting to write on the old source were ended before its lock was"
            + " released (their writes were never acknowledged): " + waiting);
      }
      if (Jdbc.scalar(c, "SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = " + fence.lockConnectionId) != null) {
        kill(c, fence.lockConnectionId, notes);
      }
    } catch (SQLException ex) {
      throw MySqlErrors.failure("source", r.source, ex);
    } finally {
      SourceFences.forget(fenceKey(r));
    }
    return notes;
  }

  private static void kill(Connection c, long id, List<String> notes) {
    try {
      Jdbc.exec(c, "KILL CONNECTION " + id);
    } catch (SQLException e) {
      if (e.getErrorCode() != 1094) { // 1094: no such thread (it ended meanwhile)
        notes.add("could not end session " + id + " on the source: " + e.getMessage() + " (ERROR " + e.getErrorCode() + ")");
      }
    }
  }

  @Override
  public BinlogCoordinates confirmSourceStill(CutoverInput r, BinlogCoordinates position) {
    ReplicationConfigurator conf = ReplicationConfigurator.forTarget(r.target);
    try (Connection src = connector.open("source", r.source); Connection dst = connector.open("target", r.target)) {
      // Stop first, then read: whatever the source writes after this read cannot reach the target.
      conf.stop(dst);
      BinlogCoordinates now = ReplicationActivitiesImpl.sourcePosition(src);
      if (now.compareTo(position) == 0) return now;
      conf.start(dst);
      List<String> who = new ArrayList<>();
      if (!r.source.isRdsFamily()) {
        for (ReadOnlyBypass.Session s : ReadOnlyBypass.sessions(src, ReadOnlyBypass.accounts(src, ServerInfo.of(src)),
            List.of())) {
          who.add(s.describe());
        }
      }
      throw ApplicationFailure.newNonRetryableFailure("source: its binary log moved from " + position + " to " + now
          + " after writes were stopped: a session that can write through read-only wrote, and its writes would"
          + " have been lost at the cutover. " + (who.isEmpty()
              ? "No such session is connected now (a replication thread of the source's own source? stop it first)."
              : "Sessions that can: " + String.join("; ", who) + ".")
          + " Replication goes on. Decide kill-and-retry (ends them right after writes stop again), retry, or"
          + " rollback; for good, revoke " + (r.source.isRdsFamily() ? "their write access"
              : String.join("/", ReadOnlyBypass.privileges(ServerInfo.of(src)))) + " from application accounts"
          + " or let the migration account set super_read_only (MySQL: SYSTEM_VARIABLES_ADMIN)", "SourceMoved");
    } catch (SQLException ex) {
      throw MySqlErrors.failure("cutover", r.source, ex);
    }
  }

  @Override
  public List<String> killSourceWriters(CutoverInput r, SourceFence fence) {
    List<String> notes = new ArrayList<>();
    try (Connection c = connector.open("source", r.source)) {
      List<Long> keep = fence == null || fence.lockConnectionId == null ? List.of() : List.of(fence.lockConnectionId);
      for (ReadOnlyBypass.Session s : ReadOnlyBypass.sessions(c, ReadOnlyBypass.accounts(c, ServerInfo.of(c)), keep)) {
        kill(c, s.id(), notes);
        notes.add("ended session " + s.describe() + " on the source (decision kill-and-retry)");
      }
      return notes;
    } catch (SQLException ex) {
      throw MySqlErrors.failure("source", r.source, ex);
    }
  }

  @Override
  public List<String> setEvents(CutoverInput r, String side, List<String> events, boolean enabled) {
    List<String> notes = new ArrayList<>();
    if (events == null || events.isEmpty()) return notes;
    Endpoint e = "source".equals(side) ? r.source : r.target;
    try (Connection c = connector.open(side, e)) {
      try {
        Jdbc.exec(c, "SET SESSION sql_log_bin = 0"); // the switch must never replicate to the other side
      } catch (SQLException notAllowed) {
        notes.add("events switched on the " + side + " are binary-logged (the account may not set sql_log_bin)");
      }
      EventSwitch.set(c, side, events, enabled, notes);
      return notes;
    } catch (SQLException ex) {
      throw MySqlErrors.failure("events", e, ex);
    }
  }

  @Override
  public ReadOnlyGuard guardTarget(CutoverInput r) {
    ReadOnlyGuard g = new ReadOnlyGuard();
    Endpoint t = r.target;
    if (t.readOnlyHook != null) {
      hooks.setReadOnly(r.migrationId, "target", t, true);
      g.how = "read-only hook (" + t.readOnlyHook.type + ")";
      g.guarded = true;
      return g;
    }
    if (t.isRdsFamily()) {
      g.how = "none";
      g.note = "the " + t.flavor + " target stays writable while it replicates: set target.readOnlyHook (type"
          + " parameter-group) so that nothing but replication writes to it before the cutover";
      return g;
    }
    try (Connection c = connector.open("target", t)) {
      Jdbc.exec(c, "SET GLOBAL read_only = ON");
      g.guarded = true;
      if (Jdbc.variable(c, "super_read_only") != null) {
        try {
          Jdbc.exec(c, "SET GLOBAL super_read_only = ON");
          g.how = "read_only + super_read_only";
          return g;
        } catch (SQLException notAllowed) {
          g.note = "the target is read_only but the account may not set super_read_only: accounts with SUPER or"
              + " CONNECTION_ADMIN can still write to it while it replicates";
        }
      } else {
        Set<String> bypass = ReadOnlyBypass.accounts(c, ServerInfo.of(c));
        g.note = "the target has no super_read_only (MariaDB): accounts with "
            + String.join("/", ReadOnlyBypass.privileges(ServerInfo.of(c))) + " can still write to it while it"
            + " replicates" + (bypass.isEmpty() ? "" : ": " + String.join(", ", bypass));
      }
      g.how = "read_only";
      return g;
    } catch (SQLException ex) {
      throw MySqlErrors.failure("target", t, ex);
    }
  }

  @Override
  public void unguardTarget(CutoverInput r, boolean readOnlyBefore) {
    Endpoint t = r.target;
    if (t.readOnlyHook != null) {
      if (!readOnlyBefore) hooks.setReadOnly(r.migrationId, "target", t, false);
      return;
    }
    if (t.isRdsFamily()) return; // guardTarget changed nothing there
    try (Connection c = connector.open("target", t)) {
      if (Jdbc.variable(c, "super_read_only") != null) Jdbc.exec(c, "SET GLOBAL super_read_only = OFF");
      Jdbc.exec(c, "SET GLOBAL read_only = " + (readOnlyBefore ? "ON" : "OFF"));
    } catch (SQLException ex) {
      throw MySqlErrors.failure("target", t, ex);
    }
  }

  @Override
  public BinlogCoordinates sourcePosition(CutoverInput r) {
    try (Connection src = connector.open("source", r.source)) {
      return ReplicationActivitiesImpl.sourcePosition(src);
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  @Override
  public void waitForTargetPosition(CutoverInput r, BinlogCoordinates position) {
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
  public BinlogCoordinates targetPosition(CutoverInput r) {
    try (Connection dst = connector.open("target", r.target)) {
      return ReplicationActivitiesImpl.sourcePosition(dst);
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  @Override
  public void startReverseReplication(CutoverInput r, BinlogCoordinates fromTarget) {
    String pw = connector.credentials().resolve(r.replication.password, "replication.password");
    try (Connection src = connector.open("source", r.source); Connection dst = connector.open("target", r.target)) {
      // The source connects to the target with the replication account; create it there, unlogged.
      ReplicationAccount.create(dst, r.replication.user, pw);
      // Odd ids on the source, even ids on the target: inserts on either side never collide.
      Jdbc.exec(src, "SET GLOBAL auto_increment_increment = 2", "SET GLOBAL auto_increment_offset = 1");
      Jdbc.exec(dst, "SET GLOBAL auto_increment_increment = 2", "SET GLOBAL auto_increment_offset = 2");
      ReplicationActivitiesImpl.pointReplicaAt(src, r.source, r.target, r.replication, r.schemas, fromTarget, pw);
    } catch (SQLException e) {
      throw MySqlErrors.failure("reverse replication", r.source, e);
    }
  }

  @Override
  public void stopReverseReplication(CutoverInput r) {
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
  public void waitForSourcePosition(CutoverInput r, BinlogCoordinates position) {
    try (Connection src = connector.open("source", r.source); Connection dst = connector.open("target", r.target)) {
      // Reverse direction: the target is the primary, the source the replica.
      drain(dst, src, "the source", position, r.cutover.drainTimeoutSeconds);
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  @Override
  public java.util.List<String> switchEvents(CutoverInput r, java.util.List<String> events, boolean toTarget) {
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
