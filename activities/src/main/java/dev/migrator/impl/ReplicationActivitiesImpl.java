package dev.migrator.impl;

import dev.migrator.metrics.MigrationMetrics;
import dev.migrator.activities.ReplicationActivities;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.ReplicationStatus;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.ServerInfo;
import dev.migrator.mysql.Sql;
import dev.migrator.replication.ReplicaStatusReader;
import dev.migrator.replication.ReplicationErrorClassifier;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.stream.Collectors;

/** Steps 9 and 10 for self-managed targets: CHANGE MASTER / CHANGE REPLICATION SOURCE, lag. */
public class ReplicationActivitiesImpl implements ReplicationActivities {
  private final Connector connector;

  public ReplicationActivitiesImpl(Connector connector) {
    this.connector = connector;
  }

  @Override
  public boolean replicationUserExists(MigrationRequest r) {
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
  public boolean ensureReplicationUser(MigrationRequest r) {
    try (Connection src = connector.open("source", r.source)) {
      if (userExists(src, r.replication.user)) return false;
      if (!r.replication.createUser) {
        throw ApplicationFailure.newNonRetryableFailure("source: replication account '" + r.replication.user
            + "'@'%' does not exist and replication.createUser is false: create it with REPLICATION SLAVE,"
            + " REPLICATION CLIENT or let migrator create it", "NotFound");
      }
      String pw = connector.credentials().resolve(r.replication.password, "replication.password");
      // Not binlogged where allowed: the account must not replicate into the target.
      try {
        Jdbc.exec(src, "SET SESSION sql_log_bin = 0");
      } catch (SQLException ignored) {
        // RDS/Aurora: the account replicates too, which is harmless
      }
      try (PreparedStatement ps = src.prepareStatement("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?")) {
        ps.setString(1, r.replication.user);
        ps.setString(2, pw == null ? "" : pw);
        ps.execute();
      }
      Jdbc.exec(src, "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO " + Sql.literal(r.replication.user) + "@'%'");
      return true;
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  @Override
  public void dropReplicationUser(MigrationRequest r) {
    try (Connection src = connector.open("source", r.source)) {
      try {
        Jdbc.exec(src, "SET SESSION sql_log_bin = 0");
      } catch (SQLException ignored) {
        // see ensureReplicationUser
      }
      Jdbc.exec(src, "DROP USER IF EXISTS " + Sql.literal(r.replication.user) + "@'%'");
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  @Override
  public void startReplication(MigrationRequest r, BinlogCoordinates from) {
    if (from == null) {
      throw ApplicationFailure.newNonRetryableFailure("no binlog coordinates were captured; cannot start replication",
          "InvalidRequest");
    }
    String pw = connector.credentials().resolve(r.replication.password, "replication.password");
    try (Connection dst = connector.open("target", r.target)) {
      ServerInfo info = ServerInfo.of(dst);
      Jdbc.exec(dst, info.stopReplica(), info.resetReplicaAll());
      String filter = r.schemas.stream().map(s -> s.replace("%", "\\%").replace("_", "\\_") + ".%")
          .collect(Collectors.joining(","));
      if (info.mariadb()) {
        Jdbc.exec(dst, "SET GLOBAL replicate_wild_do_table = " + Sql.literal(filter));
      } else {
        Jdbc.exec(dst, "CHANGE REPLICATION FILTER REPLICATE_WILD_DO_TABLE = ("
            + r.schemas.stream().map(s -> Sql.literal(s + ".%")).collect(Collectors.joining(",")) + ")");
      }
      String sql = info.mysqlReplicaSyntax()
          ? "CHANGE REPLICATION SOURCE TO SOURCE_HOST = ?, SOURCE_PORT = ?, SOURCE_USER = ?, SOURCE_PASSWORD = ?,"
              + " SOURCE_LOG_FILE = ?, SOURCE_LOG_POS = ?, SOURCE_CONNECT_RETRY = 5"
              + (r.replication.ssl ? ", SOURCE_SSL = 1" : "")
          : "CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?,"
              + " MASTER_LOG_FILE = ?, MASTER_LOG_POS = ?, MASTER_CONNECT_RETRY = 5"
              + (info.mariadb() ? ", MASTER_USE_GTID = no" : "")
              + (r.replication.ssl ? ", MASTER_SSL = 1" : "");
      try (PreparedStatement ps = dst.prepareStatement(sql)) {
        ps.setString(1, r.source.replicationHostOrHost());
        ps.setInt(2, r.source.replicationPortOrPort());
        ps.setString(3, r.replication.user);
        ps.setString(4, pw == null ? "" : pw);
        ps.setString(5, from.file);
        ps.setLong(6, from.position);
        ps.execute();
      }
      Jdbc.exec(dst, info.startReplica());
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  @Override
  public void stopAndResetReplication(MigrationRequest r) {
    try (Connection dst = connector.open("target", r.target)) {
      ServerInfo info = ServerInfo.of(dst);
      Jdbc.exec(dst, info.stopReplica(), info.resetReplicaAll());
      if (info.mariadb()) {
        Jdbc.exec(dst, "SET GLOBAL replicate_wild_do_table = ''");
      } else {
        Jdbc.exec(dst, "CHANGE REPLICATION FILTER REPLICATE_WILD_DO_TABLE = ()");
      }
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  @Override
  public LagReading awaitCatchUp(MigrationRequest r, int maxSeconds) {
    long deadline = System.currentTimeMillis() + maxSeconds * 1000L;
    int stable = 0;
    LagReading last = null;
    long connectErrorSince = 0;
    try (Connection src = connector.open("source", r.source); Connection dst = connector.open("target", r.target)) {
      while (true) {
        LagReading reading = read(src, dst);
        last = reading;
        Activity.getExecutionContext().heartbeat(reading.replica.secondsBehind);
        MigrationMetrics.replication(reading.replica.secondsBehind, reading.caughtUp);
        if (reading.errorKind != null) {
          // The IO thread retries connections by itself: only a lasting connect error is reported.
          boolean transientKind = "connect".equals(reading.errorKind);
          if (!transientKind) return reading;
          if (connectErrorSince == 0) connectErrorSince = System.currentTimeMillis();
          if (System.currentTimeMillis() - connectErrorSince > 60_000) return reading;
          reading.errorKind = null;
        } else {
          connectErrorSince = 0;
        }
        stable = reading.caughtUp ? stable + 1 : 0;
        if (stable >= r.replication.stablePolls) return reading;
        if (System.currentTimeMillis() >= deadline) return reading;
        Thread.sleep(r.replication.pollSeconds * 1000L);
      }
    } catch (SQLException e) {
      throw MySqlErrors.failure("lag poll", r.target, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return last;
    }
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
    l.caughtUp = l.replica.ioRunning && l.replica.sqlRunning && executed != null && l.sourcePosition != null
        && executed.compareTo(l.sourcePosition) >= 0;
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
