package dev.migrator.replication;

import dev.migrator.model.ReplicationStatus;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.ServerInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * Reads SHOW SLAVE STATUS / SHOW REPLICA STATUS into one typed status, whatever the naming:
 * MySQL 8.0.22+ says Source/Replica where older servers (and MariaDB, which has both) say
 * Master/Slave.
 */
public final class ReplicaStatusReader {
  private ReplicaStatusReader() {}

  public static ReplicationStatus read(Connection c) throws SQLException {
    ServerInfo info = ServerInfo.of(c);
    return parse(Jdbc.firstRow(c, info.replicaStatusStatement()));
  }

  public static ReplicationStatus parse(Map<String, String> row) {
    ReplicationStatus s = new ReplicationStatus();
    if (row == null) return s;
    s.configured = true;
    s.ioRunning = "Yes".equalsIgnoreCase(get(row, "Slave_IO_Running", "Replica_IO_Running"));
    s.sqlRunning = "Yes".equalsIgnoreCase(get(row, "Slave_SQL_Running", "Replica_SQL_Running"));
    s.ioState = get(row, "Slave_IO_State", "Replica_IO_State");
    s.sqlState = get(row, "Slave_SQL_Running_State", "Replica_SQL_Running_State");
    String lag = get(row, "Seconds_Behind_Master", "Seconds_Behind_Source");
    s.secondsBehind = lag == null || lag.isEmpty() || "NULL".equalsIgnoreCase(lag) ? null : Long.valueOf(lag);
    s.ioFile = get(row, "Master_Log_File", "Source_Log_File");
    String readPos = get(row, "Read_Master_Log_Pos", "Read_Source_Log_Pos");
    s.ioPosition = readPos == null || readPos.isEmpty() ? 0 : Long.parseLong(readPos);
    s.executedFile = get(row, "Relay_Master_Log_File", "Relay_Source_Log_File");
    String pos = get(row, "Exec_Master_Log_Pos", "Exec_Source_Log_Pos");
    s.executedPosition = pos == null ? 0 : Long.parseLong(pos);
    s.retrievedGtidSet = get(row, "Retrieved_Gtid_Set", "Gtid_IO_Pos");
    s.executedGtidSet = get(row, "Executed_Gtid_Set", "Gtid_Slave_Pos");
    s.lastIoErrno = intOf(get(row, "Last_IO_Errno", "Last_IO_Errno"));
    s.lastIoError = get(row, "Last_IO_Error", "Last_IO_Error");
    s.lastSqlErrno = intOf(get(row, "Last_SQL_Errno", "Last_SQL_Errno"));
    s.lastSqlError = get(row, "Last_SQL_Error", "Last_SQL_Error");
    return s;
  }

  private static String get(Map<String, String> row, String oldName, String newName) {
    String v = row.get(oldName);
    return v != null ? v : row.get(newName);
  }

  private static int intOf(String s) {
    try {
      return s == null || s.isEmpty() ? 0 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
