package dev.migrator.adapters;

import dev.migrator.metrics.MigrationMetrics;
import dev.migrator.activities.ReplicationActivities;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.LagReading;
import dev.migrator.activities.ReplicationInput;
import dev.migrator.model.ReplicationStatus;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.ServerInfo;
import dev.migrator.mysql.Sql;
import dev.migrator.replication.ProgressInspector;
import dev.migrator.replication.ReplicaStatusReader;
import dev.migrator.replication.ReplicationAccount;
import dev.migrator.replication.ReplicationConfigurator;
import dev.migrator.replication.ReplicationErrorClassifier;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Steps 9 and 10: replication account, replication setup through the target flavor's
 * {@link ReplicationConfigurator}, lag polling with the stuck-vs-slow inspection, and the actions
 * behind the operator's decisions on a replication error (retry, skip, next-log).
 */
public class ReplicationActivitiesImpl implements ReplicationActivities {
  private final Connector connector;

  public ReplicationActivitiesImpl(Connector connector) {
    this.connector = connector;
  }

  @Override
  public boolean replicationUserExists(ReplicationInput r) {
    try (Connection src = connector.open("source", r.source)) {
      return userExists(src, r.replication.user);
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  static boolean userExists(Connection c, String user) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM mysql.user WHERE User = ? AND Host = '%'")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public boolean ensureReplicationUser(ReplicationInput r) {
    try (Connection src = connector.open("source", r.source)) {
      if (userExists(src, r.replication.user)) return false;
      if (!r.replication.createUser) {
        throw ApplicationFailure.newNonRetryableFailure("source: replication account '" + r.replication.user
            + "'@'%' does not exist and replication.createUser is false: create it with REPLICATION SLAVE,"
            + " REPLICATION CLIENT or let migrator create it", "NotFound");
      }
      // Not binlogged where allowed: the account must not replicate into the target.
      ReplicationAccount.create(src, r.replication.user,
          connector.credentials().resolve(r.replication.password, "replication.password"));
      return true;
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  @Override
  public void dropReplicationUser(ReplicationInput r) {
    try (Connection src = connector.open("source", r.source)) {
      ReplicationAccount.drop(src, r.replication.user);
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  @Override
  public void startReplication(ReplicationInput r, BinlogCoordinates from) {
    if (from == null && !r.replication.gtidAutoPosition) {
      throw ApplicationFailure.newNonRetryableFailure("no binlog coordinates were captured; cannot start replication",
          "InvalidRequest");
    }
    String pw = connector.credentials().resolve(r.replication.password, "replication.password");
    ReplicationConfigurator conf = ReplicationConfigurator.forTarget(r.target);
    try (Connection dst = connector.open("target", r.target)) {
      conf.configure(dst, new ReplicationConfigurator.SourceLink(r.source.replicationHostOrHost(),
          r.source.replicationPortOrPort(), r.replication.user, pw, r.replication), from, replicatedSchemas(r));
      conf.start(dst);
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  /**
   * Makes the server behind {@code replica} (an endpoint of flavor {@code replicaEndpoint})
   * replicate from {@code primary} at {@code from}, filtered to the migrated schemas. Used for the
   * reverse direction after cutover: the old source follows the new primary.
   */
  static void pointReplicaAt(Connection replica, dev.migrator.model.Endpoint replicaEndpoint,
      dev.migrator.model.Endpoint primary, dev.migrator.model.ReplicationOptions replication, List<String> schemas,
      BinlogCoordinates from, String password) throws SQLException {
    ReplicationConfigurator conf = ReplicationConfigurator.forTarget(replicaEndpoint);
    // Reverse replication always starts at the position read at cutover, never by GTID.
    dev.migrator.model.ReplicationOptions o = new dev.migrator.model.ReplicationOptions();
    o.ssl = replication.ssl;
    o.connectRetrySeconds = replication.connectRetrySeconds;
    conf.configure(replica, new ReplicationConfigurator.SourceLink(primary.replicationHostOrHost(),
        primary.replicationPortOrPort(), replication.user, password, o), from, schemas);
    conf.start(replica);
  }

  /** Stops replication on this server and forgets its configuration and filter. Idempotent. */
  static void resetReplica(Connection replica, dev.migrator.model.Endpoint replicaEndpoint) throws SQLException {
    ReplicationConfigurator.forTarget(replicaEndpoint).reset(replica);
  }

  /** The migrated schemas, and the heartbeat schema when the heartbeat is on. */
  static List<String> replicatedSchemas(ReplicationInput r) {
    List<String> s = new ArrayList<>(r.schemas);
    if (r.replication.heartbeat) s.add(r.replication.heartbeatSchema);
    return s;
  }

  @Override
  public void stopAndResetReplication(ReplicationInput r) {
    try (Connection dst = connector.open("target", r.target)) {
      ReplicationConfigurator.forTarget(r.target).reset(dst);
      if (r.replication.heartbeat) Heartbeat.drop(dst, r);
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
    if (r.replication.heartbeat) {
      try (Connection src = connector.open("source", r.source)) {
        Heartbeat.drop(src, r);
      } catch (SQLException e) {
        throw MySqlErrors.failure("source", r.source, e);
      }
    }
  }

  /** The optional heartbeat table (see ReplicationOptions.heartbeat). */
  static final class Heartbeat {
    private Heartbeat() {}

    static String table(ReplicationInput r) {
      return Sql.table(r.replication.heartbeatSchema, "heartbeat");
    }

    /** Writes the worker's clock on the source; creates the table on first use (replicated). */
    static void write(Connection src, ReplicationInput r, long nowMillis) throws SQLException {
      try (PreparedStatement ps = src.prepareStatement("REPLACE INTO " + table(r) + " (id, written_at_millis) VALUES (1, ?)")) {
        ps.setLong(1, nowMillis);
        ps.executeUpdate();
      } catch (SQLException e) {
        if (e.getErrorCode() != 1146 && e.getErrorCode() != 1049) throw e;
        Jdbc.exec(src, "CREATE DATABASE IF NOT EXISTS " + Sql.id(r.replication.heartbeatSchema),
            "CREATE TABLE IF NOT EXISTS " + table(r) + " (id INT PRIMARY KEY, written_at_millis BIGINT NOT NULL)"
                + " ENGINE=InnoDB");
        write(src, r, nowMillis);
      }
    }

    /**
     * End-to-end lag: how long the oldest heartbeat written in this call and not yet applied on
     * the target has been waiting (0 when the newest one arrived). Without such history (the
     * first poll of a call) the age of the applied heartbeat, an upper bound.
     */
    static Long lag(Long applied, List<Long> written, long now) {
      if (applied == null) return null;
      for (long w : written) {
        if (w > applied) return Math.max(0, now - w);
      }
      return written.isEmpty() ? Math.max(0, now - applied) : 0L;
    }

    /** The worker time of the newest heartbeat the target has applied, or null. */
    static Long applied(Connection dst, ReplicationInput r) throws SQLException {
      try {
        String v = Jdbc.scalar(dst, "SELECT written_at_millis FROM " + table(r) + " WHERE id = 1");
        return v == null ? null : Long.valueOf(v);
      } catch (SQLException e) {
        if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) return null; // not replicated yet
        throw e;
      }
    }

    /** Drops the heartbeat table, and its schema if nothing else is in it. */
    static void drop(Connection c, ReplicationInput r) throws SQLException {
      try {
        Jdbc.exec(c, "SET SESSION sql_log_bin = 0");
      } catch (SQLException ignored) {
        // RDS/Aurora: the drop is binlogged, harmless once replication is reset
      }
      Jdbc.exec(c, "DROP TABLE IF EXISTS " + table(r));
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?")) {
        ps.setString(1, r.replication.heartbeatSchema);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) Jdbc.exec(c, "DROP DATABASE IF EXISTS " + Sql.id(r.replication.heartbeatSchema));
        }
      }
    }
  }

  @Override
  public void resumeReplication(ReplicationInput r) {
    ReplicationConfigurator conf = ReplicationConfigurator.forTarget(r.target);
    try (Connection dst = connector.open("target", r.target)) {
      // Stop first: START on a half-running replica leaves the failed thread stopped.
      conf.stop(dst);
      conf.start(dst);
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  @Override
  public String skipReplicationEvent(ReplicationInput r) {
    try (Connection dst = connector.open("target", r.target)) {
      ReplicationStatus st = ReplicaStatusReader.read(dst);
      if (st.lastSqlErrno != 1062 && st.lastSqlErrno != 1032) {
        throw ApplicationFailure.newNonRetryableFailure("target: the SQL thread is not stopped on a 1062/1032 error"
            + " (Last_SQL_Errno=" + st.lastSqlErrno + "); nothing was skipped", "InvalidRequest");
      }
      String skipped = "ERROR " + st.lastSqlErrno + ": " + st.lastSqlError;
      ReplicationConfigurator.forTarget(r.target).skipOneEvent(dst);
      return skipped;
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  @Override
  public BinlogCoordinates moveToNextLog(ReplicationInput r) {
    try (Connection dst = connector.open("target", r.target)) {
      ReplicationStatus st = ReplicaStatusReader.read(dst);
      ReplicationErrorClassifier.Classified c = ReplicationErrorClassifier.classify(st);
      if (c == null || !"impossible-position".equals(c.kind()) || st.ioFile == null) {
        throw ApplicationFailure.newNonRetryableFailure("target: the IO thread is not stopped on a 1236 impossible"
            + " position (" + (c == null ? "no error" : c.kind()) + "); replication was not moved", "InvalidRequest");
      }
      return ReplicationConfigurator.forTarget(r.target).nextLog(dst, st.ioFile);
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  /** How long a connection problem (target to source, or worker to source) may last before it is reported. */
  static final long CONNECT_GRACE_MILLIS = 60_000;

  @Override
  public LagReading awaitCatchUp(ReplicationInput r, int maxSeconds) {
    return poll(r, maxSeconds, (reading, first, stable) -> stable >= r.replication.stablePolls);
  }

  @Override
  public LagReading watchReplication(ReplicationInput r, int maxSeconds, int maxLagSeconds) {
    // Back as soon as what the approval gate decides on changes: the workflow reports it at once.
    return poll(r, maxSeconds, (reading, first, stable) ->
        !reading.gateState(maxLagSeconds).equals(first.gateState(maxLagSeconds)));
  }

  /** When a poll loop returns early (besides a replication error and the deadline). */
  private interface StopRule {
    boolean stop(LagReading reading, LagReading first, int stableCaughtUpPolls);
  }

  private LagReading poll(ReplicationInput r, int maxSeconds, StopRule rule) {
    long deadline = System.currentTimeMillis() + maxSeconds * 1000L;
    LagReading first = null;
    int stable = 0;
    LagReading last = null;
    LagReading previous = null;
    long connectErrorSince = 0;
    long sourceDownSince = 0;
    Connection src = null;
    List<Long> written = new ArrayList<>();
    try (Connection dst = connector.open("target", r.target)) {
      while (true) {
        LagReading reading;
        try {
          if (src == null) src = connector.openRaw("source", r.source);
          reading = read(src, dst);
          if (r.replication.heartbeat) {
            // Read what arrived, then write the next one: after the position reads, so that a
            // fresh heartbeat never keeps "caught up" from being reached.
            reading.heartbeatLagMillis = Heartbeat.lag(Heartbeat.applied(dst, r), written, reading.polledAtMillis);
            long now = System.currentTimeMillis();
            Heartbeat.write(src, r, now);
            written.add(now);
          }
          sourceDownSince = 0;
        } catch (SQLException e) {
          // The source is down or unreachable from the worker (a restart, a failover): keep
          // reading the target and let the IO thread reconnect; report only a lasting outage.
          closeQuietly(src);
          src = null;
          if (sourceDownSince == 0) sourceDownSince = System.currentTimeMillis();
          if (System.currentTimeMillis() - sourceDownSince > CONNECT_GRACE_MILLIS) {
            throw MySqlErrors.failure("source", r.source, e);
          }
          reading = new LagReading();
          reading.replica = ReplicaStatusReader.read(dst);
          reading.polledAtMillis = System.currentTimeMillis();
          reading.progress = LagReading.MOVING;
          reading.diagnosis = "source unreachable from the worker for "
              + (System.currentTimeMillis() - sourceDownSince) / 1000 + " s (" + MySqlErrors.diagnose("source", r.source, e).message()
              + "); still polling";
        }
        last = reading;
        Activity.getExecutionContext().heartbeat(reading.replica.secondsBehind);
        MigrationMetrics.replication(reading.replica.secondsBehind, reading.caughtUp);
        if (reading.errorKind != null) {
          // The IO thread retries connections by itself: only a lasting connect error is reported.
          boolean transientKind = "connect".equals(reading.errorKind);
          if (!transientKind) return reading;
          if (connectErrorSince == 0) connectErrorSince = System.currentTimeMillis();
          if (System.currentTimeMillis() - connectErrorSince > CONNECT_GRACE_MILLIS) return reading;
          reading.errorKind = null;
          reading.progress = LagReading.MOVING;
          reading.diagnosis = "reconnecting: " + reading.diagnosis;
        } else {
          connectErrorSince = 0;
          if (!reading.caughtUp && src != null && previous != null && notMoving(previous, reading)) {
            ProgressInspector.Finding f = ProgressInspector.inspect(dst, reading.replica.sqlState, reading.replica.ioState);
            reading.progress = f.slow() ? LagReading.SLOW : LagReading.STUCK;
            reading.diagnosis = f.diagnosis();
          }
        }
        stable = reading.caughtUp ? stable + 1 : 0;
        if (first == null) first = reading;
        if (rule.stop(reading, first, stable)) return reading;
        if (System.currentTimeMillis() >= deadline) return reading;
        previous = reading;
        // Sleep in slices with heartbeats: a poll interval may be longer than the heartbeat timeout.
        long wakeAt = System.currentTimeMillis() + r.replication.pollSeconds * 1000L;
        for (long left = wakeAt - System.currentTimeMillis(); left > 0; left = wakeAt - System.currentTimeMillis()) {
          Thread.sleep(Math.min(left, 5_000));
          Activity.getExecutionContext().heartbeat(reading.replica.secondsBehind);
        }
      }
    } catch (SQLException e) {
      throw MySqlErrors.failure("lag poll", r.target, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return last;
    } finally {
      closeQuietly(src);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // already broken
    }
  }

  /** Neither the executed position nor the lag improved between two readings. */
  static boolean notMoving(LagReading before, LagReading now) {
    BinlogCoordinates a = before.replica.executed();
    BinlogCoordinates b = now.replica.executed();
    if (a == null || b == null || a.compareTo(b) != 0) return false;
    Long la = before.replica.secondsBehind;
    Long lb = now.replica.secondsBehind;
    return la == null || lb == null || lb >= la;
  }

  /** One poll: source position first, then the replica, so "caught up" is never optimistic. */
  public static LagReading read(Connection src, Connection dst) throws SQLException {
    LagReading l = new LagReading();
    l.sourcePosition = sourcePosition(src);
    l.replica = ReplicaStatusReader.read(dst);
    l.polledAtMillis = System.currentTimeMillis();
    ReplicationErrorClassifier.Classified c = ReplicationErrorClassifier.classify(l.replica);
    if (c != null) {
      l.errorKind = c.kind();
      l.diagnosis = c.diagnosis();
    }
    BinlogCoordinates executed = l.replica.executed();
    l.progress = l.errorKind != null ? LagReading.ERROR : LagReading.MOVING;
    l.caughtUp = l.replica.ioRunning && l.replica.sqlRunning && executed != null && l.sourcePosition != null
        && executed.compareTo(l.sourcePosition) >= 0;
    if (l.caughtUp) l.progress = LagReading.CAUGHT_UP;
    return l;
  }

  public static BinlogCoordinates sourcePosition(Connection src) throws SQLException {
    ServerInfo info = ServerInfo.of(src);
    Map<String, String> st = Jdbc.firstRow(src, info.binlogStatusStatement());
    if (st == null) {
      throw ApplicationFailure.newNonRetryableFailure("source: binary logging is off (ERROR 1381)", "Incompatible");
    }
    return new BinlogCoordinates(st.get("File"), Long.parseLong(st.get("Position")), st.get("Executed_Gtid_Set"));
  }
}
