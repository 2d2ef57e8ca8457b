package dev.migrator.replication;

import dev.migrator.dialect.Dialect;
import dev.migrator.dialect.ReplicaColumns;
import dev.migrator.model.ReplicationStatus;
import dev.migrator.mysql.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * Reads the replica status into one typed status with the column names of the server's
 * {@link Dialect} ({@link ReplicaColumns}): MySQL 8.0.22+ says Replica/Source
 * ({@code Seconds_Behind_Source}, {@code Relay_Source_Log_File}/{@code Exec_Source_Log_Pos}),
 * MariaDB and older MySQL Slave/Master.
 */
public final class ReplicaStatusReader {
  private ReplicaStatusReader() {}

  public static ReplicationStatus read(Connection c, Dialect d) throws SQLException {
    ReplicationStatus s = parse(Jdbc.firstRow(c, d.replicaStatus()), d.replicaColumns());
    if (!d.isMariaDb() && coordinatorStopped(s)) workerError(c, s);
    return s;
  }

  /** MySQL's multi-threaded applier: the SQL thread reports 3030, the cause is in a worker's row. */
  static boolean coordinatorStopped(ReplicationStatus s) {
    return s.lastSqlErrno == ER_MTA_COORDINATOR_STOPPED
        || (s.lastSqlError != null && s.lastSqlError.startsWith("Coordinator stopped because there were error(s)"));
  }

  static final int ER_MTA_COORDINATOR_STOPPED = 3030;

  /**
   * The failing worker's error (1062, 1032, ...) instead of the coordinator's 3030, so the error is
   * classified and its decisions offered as on a single-threaded applier.
   */
  private static void workerError(Connection c, ReplicationStatus s) {
    try {
      Map<String, String> w = Jdbc.firstRow(c, "SELECT LAST_ERROR_NUMBER, LAST_ERROR_MESSAGE FROM"
          + " performance_schema.replication_applier_status_by_worker WHERE LAST_ERROR_NUMBER <> 0"
          // The first failure is the cause; with replica_preserve_commit_order the other workers
          // then stop with 3030 themselves ("... after at least one previous worker encountered an error").
          + " ORDER BY LAST_ERROR_NUMBER = " + ER_MTA_COORDINATOR_STOPPED + ", LAST_ERROR_TIMESTAMP LIMIT 1");
      if (w != null && intOf(w.get("LAST_ERROR_NUMBER")) != 0) {
        s.lastSqlErrno = intOf(w.get("LAST_ERROR_NUMBER"));
        s.lastSqlError = w.get("LAST_ERROR_MESSAGE");
      }
    } catch (SQLException e) {
      // performance_schema not readable: the coordinator's error stands (classified "other").
    }
  }

  /** With the server's dialect detected from the connection (self-managed statements; RDS reads the same). */
  public static ReplicationStatus read(Connection c) throws SQLException {
    return read(c, dev.migrator.dialect.Dialects.detect(c, null));
  }

  /** A row of any naming: the new names where present, else the old ones. */
  public static ReplicationStatus parse(Map<String, String> row) {
    if (row != null && row.containsKey("Replica_IO_Running")) return parse(row, ReplicaColumns.SOURCE_REPLICA);
    if (row != null && row.containsKey("Gtid_Slave_Pos")) return parse(row, ReplicaColumns.MARIADB);
    return parse(row, ReplicaColumns.MASTER_SLAVE);
  }

  public static ReplicationStatus parse(Map<String, String> row, ReplicaColumns k) {
    ReplicationStatus s = new ReplicationStatus();
    if (row == null) return s;
    s.configured = true;
    s.ioRunning = "Yes".equalsIgnoreCase(row.get(k.ioRunning()));
    s.ioConnecting = "Connecting".equalsIgnoreCase(row.get(k.ioRunning()));
    String retry = row.get("Connect_Retry");
    s.connectRetrySeconds = retry == null || retry.isEmpty() ? null : intOf(retry);
    s.sqlRunning = "Yes".equalsIgnoreCase(row.get(k.sqlRunning()));
    s.ioState = row.get(k.ioState());
    s.sqlState = row.get(k.sqlState());
    String lag = row.get(k.lag());
    s.secondsBehind = lag == null || lag.isEmpty() || "NULL".equalsIgnoreCase(lag) ? null : Long.valueOf(lag);
    s.ioFile = row.get(k.sourceLogFile());
    String readPos = row.get(k.readSourceLogPos());
    s.ioPosition = readPos == null || readPos.isEmpty() ? 0 : Long.parseLong(readPos);
    s.executedFile = row.get(k.relaySourceLogFile());
    String pos = row.get(k.execSourceLogPos());
    s.executedPosition = pos == null || pos.isEmpty() ? 0 : Long.parseLong(pos);
    s.retrievedGtidSet = row.get(k.retrievedGtidSet());
    s.executedGtidSet = row.get(k.executedGtidSet());
    s.lastIoErrno = intOf(row.get("Last_IO_Errno"));
    s.lastIoError = row.get("Last_IO_Error");
    s.lastSqlErrno = intOf(row.get("Last_SQL_Errno"));
    s.lastSqlError = row.get("Last_SQL_Error");
    return s;
  }

  private static int intOf(String s) {
    try {
      return s == null || s.isEmpty() ? 0 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
