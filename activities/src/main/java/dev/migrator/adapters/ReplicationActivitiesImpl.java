package dev.migrator.adapters;

import dev.migrator.activities.ReplicationActivities;
import dev.migrator.activities.ReplicationInput;
import dev.migrator.dialect.ReplicationChannel;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.ChannelTls;
import dev.migrator.model.LagReading;
import dev.migrator.model.ReplicationErrorKind;
import dev.migrator.model.ReplicationStatus;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.ReplicationTls;
import dev.migrator.mysql.Session;
import dev.migrator.mysql.Sessions;
import dev.migrator.replication.Channels;
import dev.migrator.replication.GtidStart;
import dev.migrator.replication.Heartbeat;
import dev.migrator.replication.LagPoller;
import dev.migrator.replication.Replica;
import dev.migrator.replication.ReplicationAccount;
import dev.migrator.replication.ReplicationErrorClassifier;
import io.temporal.failure.ApplicationFailure;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Steps 9 and 10, a thin adapter over {@code replication/}: the replication account, the target
 * as a {@link Replica} of the source (statements of its dialect), the {@link LagPoller}, and the
 * actions behind the operator's decisions on a replication error (retry, skip, next-log).
 */
public class ReplicationActivitiesImpl implements ReplicationActivities {
  private final Connector connector;
  private final Sessions sessions;

  public ReplicationActivitiesImpl(Connector connector) {
    this.connector = connector;
    this.sessions = new Sessions(connector);
  }

  @Override
  public boolean replicationUserExists(ReplicationInput r) {
    return sessions.on("source", r.source, src -> userExists(src, r.replication.user));
  }

  static boolean userExists(Session c, String user) throws SQLException {
    try (PreparedStatement ps = c.connection().prepareStatement("SELECT 1 FROM mysql.user WHERE User = ? AND Host = '%'")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public boolean ensureReplicationUser(ReplicationInput r) {
    return sessions.on("source", r.source, src -> {
      if (userExists(src, r.replication.user)) return false;
      if (!r.replication.createUser) {
        throw ApplicationFailure.newNonRetryableFailure("source: replication account '" + r.replication.user
            + "'@'%' does not exist and replication.createUser is false: create it with REPLICATION SLAVE,"
            + " REPLICATION CLIENT or let migrator create it", "NotFound");
      }
      // Not binlogged where allowed: the account must not replicate into the target. REQUIRE SSL
      // when the channel will use TLS (whenever the source offers it).
      ReplicationAccount.create(src, r.replication.user, password(r), forwardTls(r));
      return true;
    });
  }

  /** The forward channel's TLS: the same decision for the account and for the channel. */
  private ReplicationTls forwardTls(ReplicationInput r) {
    return Channels.forwardTls(r.source, r.target, r.replication, connector.offersTls("source", r.source));
  }

  private String password(ReplicationInput r) {
    return connector.credentials().resolve(r.replication.password, "replication.password");
  }

  @Override
  public void dropReplicationUser(ReplicationInput r) {
    sessions.run("source", r.source, src -> ReplicationAccount.drop(src, r.replication.user));
  }

  @Override
  public ChannelTls startReplication(ReplicationInput r, BinlogCoordinates from) {
    if (from == null && !r.replication.gtidAutoPosition) {
      throw ApplicationFailure.newNonRetryableFailure("no binlog coordinates were captured; cannot start replication",
          "InvalidRequest");
    }
    String pw = password(r);
    return sessions.onBoth("source", r.source, "target", r.target, "target", r.target, (src, dst) -> {
      Replica target = Replica.of(dst);
      target.requireGtidCompatibleWith(src);
      ReplicationChannel channel = Channels.to(src, dst, r.source, r.replication, pw, forwardTls(r));
      target.configure(channel, from, r.replication.gtidAutoPosition, replicatedSchemas(r));
      // Auto-position asks the source for what the target has not executed: a logical copy left the
      // copied transactions out of the target's GTID history, so the frozen copy's set goes in first.
      if (r.replication.gtidAutoPosition) target.addGtidPurged(GtidStart.of(src, from));
      target.start();
      return Channels.report(channel, dst, src);
    });
  }

  /** The migrated schemas, and the heartbeat schema when the heartbeat is on. */
  static List<String> replicatedSchemas(ReplicationInput r) {
    List<String> s = new ArrayList<>(r.schemas);
    if (r.replication.heartbeat) s.add(r.replication.heartbeatSchema);
    return s;
  }

  @Override
  public void stopAndResetReplication(ReplicationInput r) {
    sessions.run("target", r.target, dst -> {
      Replica.of(dst).forget(); // MariaDB's gtid_slave_pos too: no replication state left on the target
      if (r.replication.heartbeat) new Heartbeat(r.replication.heartbeatSchema).drop(dst);
    });
    if (r.replication.heartbeat) {
      sessions.run("source", r.source, src -> new Heartbeat(r.replication.heartbeatSchema).drop(src));
    }
  }

  @Override
  public void resumeReplication(ReplicationInput r) {
    sessions.run("target", r.target, dst -> {
      // Stop first: START on a half-running replica leaves the failed thread stopped.
      Replica target = Replica.of(dst);
      target.stop();
      target.start();
    });
  }

  @Override
  public String skipReplicationEvent(ReplicationInput r) {
    return sessions.on("target", r.target, dst -> {
      Replica target = Replica.of(dst);
      ReplicationStatus st = target.status();
      if (st.lastSqlErrno != MySqlErrors.ER_DUP_ENTRY && st.lastSqlErrno != MySqlErrors.ER_KEY_NOT_FOUND) {
        throw ApplicationFailure.newNonRetryableFailure("target: the SQL thread is not stopped on a 1062/1032 error"
            + " (Last_SQL_Errno=" + st.lastSqlErrno + "); nothing was skipped", "InvalidRequest");
      }
      String skipped = "ERROR " + st.lastSqlErrno + ": " + st.lastSqlError;
      target.skipOneEvent(st);
      return skipped;
    });
  }

  @Override
  public BinlogCoordinates moveToNextLog(ReplicationInput r) {
    return sessions.on("target", r.target, dst -> {
      Replica target = Replica.of(dst);
      ReplicationStatus st = target.status();
      ReplicationErrorClassifier.Classified c = ReplicationErrorClassifier.classify(st);
      if (c == null || !ReplicationErrorKind.IMPOSSIBLE_POSITION.equals(c.kind()) || st.ioFile == null) {
        throw ApplicationFailure.newNonRetryableFailure("target: the IO thread is not stopped on a 1236 impossible"
            + " position (" + (c == null ? "no error" : c.kind()) + "); replication was not moved", "InvalidRequest");
      }
      return target.nextLog(st.ioFile);
    });
  }

  @Override
  public LagReading awaitCatchUp(ReplicationInput r, int maxSeconds) {
    return poller(r).poll(maxSeconds, (reading, first, stable) -> stable >= r.replication.stablePolls);
  }

  @Override
  public LagReading watchReplication(ReplicationInput r, int maxSeconds, int maxLagSeconds) {
    // Back as soon as what the approval gate decides on changes: the workflow reports it at once.
    // Never writes the heartbeat row: a watch may outlive the approval.
    return poller(r).poll(maxSeconds, false, (reading, first, stable) ->
        !reading.gateState(maxLagSeconds).equals(first.gateState(maxLagSeconds)));
  }

  private LagPoller poller(ReplicationInput r) {
    return new LagPoller(connector, r.source, r.target, r.replication);
  }
}
