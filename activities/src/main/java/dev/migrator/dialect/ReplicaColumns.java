package dev.migrator.dialect;

/**
 * The column names of one server's replica status ({@code SHOW REPLICA STATUS} on MySQL 8.0.22+:
 * {@code Replica_*}, {@code *_Source_*}, {@code Seconds_Behind_Source}; {@code SHOW SLAVE STATUS}
 * on MariaDB and older MySQL: {@code Slave_*}, {@code *_Master_*}).
 */
public record ReplicaColumns(String ioRunning, String sqlRunning, String ioState, String sqlState, String lag,
    String sourceLogFile, String readSourceLogPos, String relaySourceLogFile, String execSourceLogPos,
    String retrievedGtidSet, String executedGtidSet) {

  /** MySQL 8.0.22 and later (RDS/Aurora MySQL 3 too). */
  public static final ReplicaColumns SOURCE_REPLICA = new ReplicaColumns("Replica_IO_Running", "Replica_SQL_Running",
      "Replica_IO_State", "Replica_SQL_Running_State", "Seconds_Behind_Source", "Source_Log_File",
      "Read_Source_Log_Pos", "Relay_Source_Log_File", "Exec_Source_Log_Pos", "Retrieved_Gtid_Set", "Executed_Gtid_Set");

  /** MySQL before 8.0.22. */
  public static final ReplicaColumns MASTER_SLAVE = new ReplicaColumns("Slave_IO_Running", "Slave_SQL_Running",
      "Slave_IO_State", "Slave_SQL_Running_State", "Seconds_Behind_Master", "Master_Log_File",
      "Read_Master_Log_Pos", "Relay_Master_Log_File", "Exec_Master_Log_Pos", "Retrieved_Gtid_Set", "Executed_Gtid_Set");

  /** MariaDB: the old names, and its own GTID positions. */
  public static final ReplicaColumns MARIADB = new ReplicaColumns("Slave_IO_Running", "Slave_SQL_Running",
      "Slave_IO_State", "Slave_SQL_Running_State", "Seconds_Behind_Master", "Master_Log_File",
      "Read_Master_Log_Pos", "Relay_Master_Log_File", "Exec_Master_Log_Pos", "Gtid_IO_Pos", "Gtid_Slave_Pos");
}
