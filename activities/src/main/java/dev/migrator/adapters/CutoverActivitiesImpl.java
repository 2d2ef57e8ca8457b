package dev.migrator.adapters;

import dev.migrator.activities.CutoverActivities;
import dev.migrator.activities.CutoverInput;
import dev.migrator.dialect.Dialect;
import dev.migrator.dialect.ReplicationChannel;
import dev.migrator.dialect.SqlStatement;
import dev.migrator.guard.ReadOnlyBypass;
import dev.migrator.guard.SourceFences;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.ChannelTls;
import dev.migrator.model.Endpoint;
import dev.migrator.model.ReadOnlyGuard;
import dev.migrator.model.ReplicationOptions;
import dev.migrator.model.SourceFence;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.ReplicationTls;
import dev.migrator.mysql.Session;
import dev.migrator.mysql.Sessions;
import dev.migrator.replication.BinlogPosition;
import dev.migrator.replication.Channels;
import dev.migrator.replication.Drain;
import dev.migrator.replication.Replica;
import dev.migrator.replication.ReplicationAccount;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import org.slf4j.LoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Step 12, a thin adapter: read-only switches (the dialect's read_only/super_read_only, or the
 * read-only hook where the server is managed), the source fence and its proof, the exact-position
 * drain ({@link Drain}) both ways, reverse replication ({@link Replica} on the source), events.
 */
public class CutoverActivitiesImpl implements CutoverActivities {
  private final Sessions sessions;
  private final Connector connector;
  private final ReadOnlyHooks hooks;

  public CutoverActivitiesImpl(Connector connector) {
    this(connector, new ReadOnlyHooks(software.amazon.awssdk.services.rds.RdsClient::create));
  }

  public CutoverActivitiesImpl(Connector connector, ReadOnlyHooks hooks) {
    this.connector = connector;
    this.sessions = new Sessions(connector);
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
    return sessions.on(role, e, c -> {
      Dialect d = c.dialect();
      if (d.isManaged() || e.isRdsFamily()) {
        // RDS/Aurora refuse SET GLOBAL: without a hook, only "writable" can be confirmed.
        if (!readOnly && "0".equals(c.scalar("SELECT @@GLOBAL.read_only"))) return System.currentTimeMillis();
        throw ApplicationFailure.newNonRetryableFailure(role + ": " + noReadOnly(d, e, role), "Incompatible");
      }
      if (!readOnly && d.hasSuperReadOnly()) c.run(d.superReadOnly(false));
      // SET GLOBAL read_only waits for running commits, so no write lands after it returns.
      c.run(d.readOnly(readOnly));
      if (readOnly && d.hasSuperReadOnly()) {
        // MySQL: also stop accounts with SUPER/CONNECTION_ADMIN; replication threads still apply.
        tryRun(c, d.superReadOnly(true)); // the account may not: read_only alone stops ordinary accounts
      }
      return System.currentTimeMillis();
    });
  }

  /** Why read_only cannot be set here, and what to do instead. */
  private static String noReadOnly(Dialect d, Endpoint e, String role) {
    try {
      d.readOnly(true);
      return "read_only on " + e.flavor + " is set through the instance's parameter group: configure " + role
          + ".readOnlyHook (type parameter-group with the instance's parameter group, a command or a webhook; README,"
          + " request fields)";
    } catch (UnsupportedOperationException why) {
      return why.getMessage();
    }
  }

  private static boolean tryRun(Session c, SqlStatement st) throws SQLException {
    try {
      c.run(st);
      return true;
    } catch (SQLException e) {
      if (MySqlErrors.isPrivilegeError(e)) return false;
      throw e;
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
    return sessions.on("source", e, c -> {
      Dialect d = c.dialect();
      if (d.hasSuperReadOnly() && "ON".equalsIgnoreCase(c.scalar("SELECT @@GLOBAL.super_read_only"))) {
        f.how = "read_only + super_read_only";
        f.stopsEveryone = true;
        return f;
      }
      Set<String> accounts = ReadOnlyBypass.accounts(c);
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
      if (d.hasSuperReadOnly()) {
        f.note = (f.note == null ? "" : f.note + "; ") + "the migration account may not set super_read_only (MySQL:"
            + " SYSTEM_VARIABLES_ADMIN or SUPER), so accounts with " + String.join("/", d.readOnlyBypassPrivileges())
            + " can still write";
      }
      for (ReadOnlyBypass.Session s : ReadOnlyBypass.sessions(c, accounts, List.of())) f.bypassSessions.add(s.describe());
      return f;
    });
  }

  @Override
  public List<String> releaseSourceFence(CutoverInput r, SourceFence fence) {
    List<String> notes = new ArrayList<>();
    if (fence == null || fence.lockConnectionId == null) return notes;
    try {
      return sessions.on("source", r.source, c -> {
        // Writers blocked by the lock: their writes were never acknowledged, and would commit on the old
        // source the moment it goes. Their sessions end; applications reconnect (to the target).
        List<Long> waiting = ReadOnlyBypass.waitingForTheLock(c, fence.lockConnectionId);
        for (long id : waiting) kill(c, id, notes);
        if (!waiting.isEmpty()) {
          notes.add(waiting.size() + " session(s) waiting to write on the old source were ended before its lock was"
              + " released (their writes were never acknowledged): " + waiting);
        }
        if (ReadOnlyBypass.connected(c, fence.lockConnectionId)) kill(c, fence.lockConnectionId, notes);
        return notes;
      });
    } finally {
      SourceFences.forget(fenceKey(r));
    }
  }

  private static void kill(Session c, long id, List<String> notes) {
    try {
      c.exec("KILL CONNECTION " + id);
    } catch (SQLException e) {
      if (e.getErrorCode() != MySqlErrors.ER_NO_SUCH_THREAD) { // it ended meanwhile
        notes.add("could not end session " + id + " on the source: " + e.getMessage() + " (ERROR " + e.getErrorCode() + ")");
      }
    }
  }

  @Override
  public BinlogCoordinates confirmSourceStill(CutoverInput r, BinlogCoordinates position) {
    return sessions.onBoth("source", r.source, "target", r.target, "cutover", r.source, (src, dst) -> {
      Replica target = Replica.of(dst);
      // Stop first, then read: whatever the source writes after this read cannot reach the target.
      target.stop();
      BinlogCoordinates now = BinlogPosition.of(src);
      if (now.compareTo(position) == 0) return now;
      target.start();
      List<String> who = new ArrayList<>();
      if (!r.source.isRdsFamily()) {
        for (ReadOnlyBypass.Session s : ReadOnlyBypass.sessions(src, ReadOnlyBypass.accounts(src), List.of())) {
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
              : String.join("/", src.dialect().readOnlyBypassPrivileges())) + " from application accounts"
          + " or let the migration account set super_read_only (MySQL: SYSTEM_VARIABLES_ADMIN)", "SourceMoved");
    });
  }

  @Override
  public List<String> killSourceWriters(CutoverInput r, SourceFence fence) {
    return sessions.on("source", r.source, c -> {
      List<String> notes = new ArrayList<>();
      List<Long> keep = fence == null || fence.lockConnectionId == null ? List.of() : List.of(fence.lockConnectionId);
      for (ReadOnlyBypass.Session s : ReadOnlyBypass.sessions(c, ReadOnlyBypass.accounts(c), keep)) {
        kill(c, s.id(), notes);
        notes.add("ended session " + s.describe() + " on the source (decision kill-and-retry)");
      }
      return notes;
    });
  }

  @Override
  public List<String> setEvents(CutoverInput r, String side, List<String> events, boolean enabled) {
    List<String> notes = new ArrayList<>();
    if (events == null || events.isEmpty()) return notes;
    Endpoint e = "source".equals(side) ? r.source : r.target;
    return sessions.on(side, e, c -> {
      if (!c.unlogged()) { // the switch must never replicate to the other side
        notes.add("events switched on the " + side + " are binary-logged (the account may not set sql_log_bin)");
      }
      EventSwitch.set(c.connection(), side, events, enabled, notes);
      return notes;
    });
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
      g.note = "the " + t.flavor + " target stays writable while it replicates: the admin user cannot set read_only"
          + " (SET GLOBAL read_only: ERROR 1227; it is a parameter group setting): set target.readOnlyHook (type"
          + " parameter-group) so that nothing but replication writes to it before the cutover";
      return g;
    }
    return sessions.on("target", t, c -> {
      Dialect d = c.dialect();
      c.run(d.readOnly(true));
      g.guarded = true;
      if (d.hasSuperReadOnly()) {
        if (tryRun(c, d.superReadOnly(true))) {
          g.how = "read_only + super_read_only";
          return g;
        }
        g.note = "the target is read_only but the account may not set super_read_only (it needs"
            + " SYSTEM_VARIABLES_ADMIN or SUPER): accounts with " + String.join("/", d.readOnlyBypassPrivileges())
            + " can still write to it while it replicates";
      } else {
        Set<String> bypass = ReadOnlyBypass.accounts(c);
        g.note = "the target has no super_read_only (" + d.describe() + "): accounts with "
            + String.join("/", d.readOnlyBypassPrivileges()) + " can still write to it while it"
            + " replicates" + (bypass.isEmpty() ? "" : ": " + String.join(", ", bypass));
      }
      g.how = "read_only";
      return g;
    });
  }

  @Override
  public void unguardTarget(CutoverInput r, boolean readOnlyBefore) {
    Endpoint t = r.target;
    if (t.readOnlyHook != null) {
      if (!readOnlyBefore) hooks.setReadOnly(r.migrationId, "target", t, false);
      return;
    }
    if (t.isRdsFamily()) return; // guardTarget changed nothing there
    sessions.run("target", t, c -> {
      Dialect d = c.dialect();
      if (d.hasSuperReadOnly()) c.run(d.superReadOnly(false));
      c.run(d.readOnly(readOnlyBefore));
    });
  }

  @Override
  public BinlogCoordinates sourcePosition(CutoverInput r) {
    return sessions.on("source", r.source, BinlogPosition::of);
  }

  @Override
  public void waitForTargetPosition(CutoverInput r, BinlogCoordinates position) {
    sessions.onBoth("source", r.source, "target", r.target, "target", r.target, (src, dst) -> {
      Drain.until(src, dst, "the target", position, r.cutover.drainTimeoutSeconds);
      return null;
    });
  }

  @Override
  public BinlogCoordinates targetPosition(CutoverInput r) {
    return sessions.on("target", r.target, BinlogPosition::of);
  }

  @Override
  public ChannelTls startReverseReplication(CutoverInput r, BinlogCoordinates fromTarget) {
    String pw = connector.credentials().resolve(r.replication.password, "replication.password");
    // TLS whenever the target offers it; the account REQUIRE SSL then.
    ReplicationTls tls = Channels.reverseTls(r.replication, connector.offersTls("target", r.target));
    if (r.target.readOnlyHook != null && r.target.isRdsFamily()) {
      // RDS/Aurora: read_only (set by the hook while the target replicated) also stops the admin
      // user, which has no SUPER or CONNECTION_ADMIN, so the replication account below could not
      // be created (ERROR 1290, found on the Aurora-like target). The source is read-only and
      // drained here; the cutover makes the target writable right after this anyway (idempotent),
      // and its undo makes it read-only again.
      hooks.setReadOnly(r.migrationId, "target", r.target, false);
    }
    return sessions.onBoth("source", r.source, "target", r.target, "reverse replication", r.source, (src, dst) -> {
      // The source connects to the target with the replication account; create it there, unlogged.
      ReplicationAccount.create(dst, r.replication.user, pw, tls);
      // Odd ids on the source, even ids on the target: inserts on either side never collide. On
      // RDS/Aurora both are parameter group settings (SET GLOBAL needs SYSTEM_VARIABLES_ADMIN, which
      // the admin user lacks: ERROR 1227, found on the Aurora-like target): the target keeps its own,
      // and the source, read-only through the grace period, takes no inserts that could collide.
      src.exec("SET GLOBAL auto_increment_increment = 2", "SET GLOBAL auto_increment_offset = 1");
      if (!r.target.isRdsFamily()) {
        dst.exec("SET GLOBAL auto_increment_increment = 2", "SET GLOBAL auto_increment_offset = 2");
      }
      // From the position read at cutover; by GTID auto-position when the migration replicates so
      // and both sides have GTIDs on. The target's own transactions before the cutover (the schema
      // step and a copy that could not run unlogged, as on RDS/Aurora) are already on the source as
      // its data: their GTIDs go into the source's gtid_purged first, or auto-position would apply
      // them again (ERROR 1007 on CREATE DATABASE, found on the Aurora-like target).
      Replica source = Replica.of(src);
      boolean auto = r.replication.gtidAutoPosition && gtidOn(src) && gtidOn(dst);
      if (auto && fromTarget != null) source.addGtidPurged(fromTarget.gtidSet);
      ReplicationOptions o = new ReplicationOptions();
      o.user = r.replication.user;
      o.connectRetrySeconds = r.replication.connectRetrySeconds;
      ReplicationChannel channel = Channels.to(dst, src, r.target, o, pw, tls);
      source.configure(channel, fromTarget, auto, r.schemas);
      source.start();
      return Channels.report(channel, src, dst);
    });
  }

  private static boolean gtidOn(Session s) throws SQLException {
    return "ON".equalsIgnoreCase(s.scalar(s.dialect().gtidMode()));
  }

  @Override
  public void stopReverseReplication(CutoverInput r) {
    sessions.onBoth("source", r.source, "target", r.target, "reverse replication", r.source, (src, dst) -> {
      Replica.of(src).reset();
      src.exec("SET GLOBAL auto_increment_increment = 1", "SET GLOBAL auto_increment_offset = 1");
      if (!r.target.isRdsFamily()) {
        dst.exec("SET GLOBAL auto_increment_increment = 1", "SET GLOBAL auto_increment_offset = 1");
      }
      if (r.target.isRdsFamily() && "1".equals(dst.scalar("SELECT @@GLOBAL.read_only"))) {
        // The switch back made the target read-only first; on RDS/Aurora that stops the admin user
        // too (no SUPER/CONNECTION_ADMIN: ERROR 1290, found on the Aurora-like target), so the
        // account cannot be dropped now without opening a write window on the old primary.
        LoggerFactory.getLogger(CutoverActivitiesImpl.class).warn("reverse replication stopped; the replication"
            + " account {} on the target {} is left (the target is read-only): drop it once the target is writable",
            r.replication.user, r.target);
        return null;
      }
      ReplicationAccount.drop(dst, r.replication.user);
      return null;
    });
  }

  @Override
  public void waitForSourcePosition(CutoverInput r, BinlogCoordinates position) {
    // Reverse direction: the target is the primary, the source the replica.
    sessions.onBoth("source", r.source, "target", r.target, "source", r.source, (src, dst) -> {
      Drain.until(dst, src, "the source", position, r.cutover.drainTimeoutSeconds);
      return null;
    });
  }

  @Override
  public List<String> switchEvents(CutoverInput r, List<String> events, boolean toTarget) {
    List<String> notes = new ArrayList<>();
    if (events == null || events.isEmpty()) return notes;
    // The side that stops running them first: never both at once.
    return sessions.onBoth("source", r.source, "target", r.target, "events", toTarget ? r.target : r.source,
        (src, dst) -> {
          if (toTarget) {
            EventSwitch.set(src.connection(), "source", events, false, notes);
            EventSwitch.set(dst.connection(), "target", events, true, notes);
          } else {
            EventSwitch.set(dst.connection(), "target", events, false, notes);
            EventSwitch.set(src.connection(), "source", events, true, notes);
          }
          return notes;
        });
  }
}
