package dev.migrator.freeze;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.activities.FreezeInput;
import dev.migrator.model.ReplicationStatus;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.dialect.Dialect;
import dev.migrator.dialect.Dialects;
import dev.migrator.replication.ReplicaStatusReader;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * {@code stopped-replica}: an existing replica of the source ({@code request.frozenReplica}) is
 * frozen by stopping its SQL thread; its executed position in the source's binlog
 * ({@code Relay_Master_Log_File}/{@code Exec_Master_Log_Pos}, plus the GTID position) matches its
 * contents exactly. The IO thread keeps fetching, so the replica catches up fast after the release,
 * which starts the SQL thread again (idempotent: starting a running thread is a no-op warning).
 *
 * <p>It runs wherever the worker can reach the replica over SQL; it creates nothing, so the release
 * needs only the request.
 */
public final class StoppedReplicaFreezer implements Freezer {
  private final Connector connector;
  private final long pollMillis;
  private final int stablePolls;

  public StoppedReplicaFreezer(Connector connector) {
    this(connector, 200, 3);
  }

  public StoppedReplicaFreezer(Connector connector, long pollMillis, int stablePolls) {
    this.connector = connector;
    this.pollMillis = pollMillis;
    this.stablePolls = stablePolls;
  }

  @Override
  public String method() {
    return FreezeMethod.STOPPED_REPLICA;
  }

  static void requireReplica(FreezeInput r) {
    if (r.frozenReplica == null) {
      throw ApplicationFailure.newNonRetryableFailure("stopped-replica needs request.frozenReplica: the endpoint"
          + " (host, port, user, password reference) of an existing replica of the source", "InvalidRequest");
    }
  }

  @Override
  public FrozenCopy freeze(FreezeInput r, String migrationId) {
    requireReplica(r);
    long sourceServerId;
    try (Connection src = connector.open("source", r.source)) {
      sourceServerId = Long.parseLong(Jdbc.scalar(src, "SELECT @@GLOBAL.server_id"));
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
    try (Connection c = connector.open("frozenReplica", r.frozenReplica)) {
      Dialect info = Dialects.detect(c, r.frozenReplica);
      Map<String, String> row = Jdbc.firstRow(c, info.replicaStatus());
      if (row == null) {
        throw ApplicationFailure.newNonRetryableFailure("frozenReplica " + r.frozenReplica.address()
            + " is not a replica (" + info.replicaStatus() + " is empty): name a replica of the source", "InvalidRequest");
      }
      String master = row.getOrDefault("Master_Server_Id", row.get("Source_Server_Id"));
      if (master != null && !master.isBlank() && !"0".equals(master) && Long.parseLong(master) != sourceServerId) {
        throw ApplicationFailure.newNonRetryableFailure("frozenReplica " + r.frozenReplica.address()
            + " replicates from server_id " + master + ", but the source " + r.source.address() + " has server_id "
            + sourceServerId + ": name a direct replica of the source", "InvalidRequest");
      }
      if (!info.isMariaDb()) requireOrderedCommits(c, r);
      ReplicationStatus before = ReplicaStatusReader.parse(row, info.replicaColumns());
      if (before.lastSqlErrno != 0) {
        throw ApplicationFailure.newNonRetryableFailure("frozenReplica " + r.frozenReplica.address()
            + " has a replication error (" + before.lastSqlErrno + ": " + before.lastSqlError
            + "); its contents may not match its position: repair it first", "InvalidRequest");
      }
      info.applier(false).execute(c);
      ReplicationStatus st = waitStable(c, info);
      if (st.lastSqlErrno != 0) {
        throw ApplicationFailure.newNonRetryableFailure("frozenReplica " + r.frozenReplica.address()
            + " stopped on a replication error (" + st.lastSqlErrno + ": " + st.lastSqlError + ")", "FreezeFailed");
      }
      FrozenCopy f = new FrozenCopy();
      f.method = method();
      f.endpoint = r.frozenReplica;
      f.coordinates = new BinlogCoordinates(st.executedFile, st.executedPosition,
          st.executedGtidSet == null || st.executedGtidSet.isBlank() ? null : st.executedGtidSet.replace("\n", ""));
      f.resumable = true;
      f.resourceId = r.frozenReplica.address();
      f.note = "stopped-replica: SQL thread of " + r.frozenReplica.address() + " stopped at source coordinates "
          + f.coordinates + (before.sqlRunning ? "" : " (it was already stopped)")
          + "; the IO thread keeps fetching; the release starts the SQL thread again";
      return f;
    } catch (SQLException e) {
      throw MySqlErrors.failure("frozenReplica", r.frozenReplica, e);
    }
  }

  /**
   * A MySQL multi-threaded replica that may commit out of order can stop with gaps below
   * Exec_Master_Log_Pos: its contents would then not match that position. MariaDB's parallel
   * replication stops at a consistent point.
   */
  private static void requireOrderedCommits(Connection c, FreezeInput r) throws SQLException {
    String workers = firstVariable(c, "replica_parallel_workers", "slave_parallel_workers");
    String ordered = firstVariable(c, "replica_preserve_commit_order", "slave_preserve_commit_order");
    if (workers != null && !"0".equals(workers) && ordered != null && !"1".equals(ordered) && !"ON".equalsIgnoreCase(ordered)) {
      throw ApplicationFailure.newNonRetryableFailure("frozenReplica " + r.frozenReplica.address() + " applies with "
          + workers + " parallel workers without replica_preserve_commit_order: a stopped SQL thread may leave gaps"
          + " below its position; set replica_preserve_commit_order=ON (or replica_parallel_workers=0) on it first",
          "InvalidRequest");
    }
  }

  private static String firstVariable(Connection c, String... names) {
    for (String n : names) {
      try {
        String v = Jdbc.scalar(c, "SELECT @@GLOBAL." + n);
        if (v != null) return v;
      } catch (SQLException unknownVariable) {
        // older/newer name
      }
    }
    return null;
  }

  /** Until the SQL thread is off and the executed position is the same for {@link #stablePolls} reads. */
  private ReplicationStatus waitStable(Connection c, Dialect d) throws SQLException {
    ReplicationStatus last = null;
    int same = 0;
    for (int i = 0; i < 600; i++) {
      ReplicationStatus s = ReplicaStatusReader.read(c, d);
      if (!s.sqlRunning && last != null && s.executedFile != null && s.executedFile.equals(last.executedFile)
          && s.executedPosition == last.executedPosition
          && java.util.Objects.equals(s.executedGtidSet, last.executedGtidSet)) {
        if (++same >= stablePolls - 1) return s;
      } else {
        same = 0;
      }
      last = s;
      Heartbeats.beat(s.executed() == null ? null : s.executed().toString());
      TempServer.sleep(pollMillis);
    }
    throw ApplicationFailure.newFailure("the SQL thread of the frozen replica did not come to a stable stop", "FreezeFailed");
  }

  @Override
  public void release(FreezeInput r, String migrationId) {
    requireReplica(r);
    try (Connection c = connector.open("frozenReplica", r.frozenReplica)) {
      Dialect info = Dialects.detect(c, r.frozenReplica);
      if (Jdbc.firstRow(c, info.replicaStatus()) == null) return; // nothing to restart
      info.applier(true).execute(c);
    } catch (SQLException e) {
      throw MySqlErrors.failure("frozenReplica", r.frozenReplica, e);
    }
  }
}
