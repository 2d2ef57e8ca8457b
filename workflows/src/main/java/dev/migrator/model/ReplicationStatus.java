package dev.migrator.model;

/**
 * One reading of SHOW SLAVE STATUS / SHOW REPLICA STATUS, whatever the column naming of the
 * server (MySQL 8 renamed Master to Source; MariaDB has both).
 */
public class ReplicationStatus {
  /** False when the server has no replication configured at all. */
  public boolean configured;

  public boolean ioRunning;
  /** The IO thread is (re)connecting to its source (Slave_IO_Running / Replica_IO_Running "Connecting"). */
  public boolean ioConnecting;
  /** Seconds between the IO thread's connection attempts (Connect_Retry); null when not shown. */
  public Integer connectRetrySeconds;
  public boolean sqlRunning;
  public String ioState;
  public String sqlState;
  public Long secondsBehind;
  /** Source binlog file the IO thread reads (Master_Log_File / Source_Log_File). */
  public String ioFile;

  public long ioPosition;
  /** Source binlog file/position the replica has executed up to. */
  public String executedFile;

  public long executedPosition;
  public String retrievedGtidSet;
  public String executedGtidSet;
  public int lastIoErrno;
  public String lastIoError;
  public int lastSqlErrno;
  public String lastSqlError;

  public BinlogCoordinates executed() {
    return executedFile == null ? null : new BinlogCoordinates(executedFile, executedPosition, executedGtidSet);
  }
}
