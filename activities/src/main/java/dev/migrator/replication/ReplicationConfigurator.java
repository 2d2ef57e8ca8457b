package dev.migrator.replication;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Endpoint;
import dev.migrator.model.ReplicationOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The flavor-specific SQL that points a target at its source and steers its replication threads.
 * Self-managed targets take CHANGE MASTER / CHANGE REPLICATION SOURCE and START/STOP SLAVE;
 * RDS/Aurora targets have no SUPER and take the {@code mysql.rds_*} procedures instead.
 */
public interface ReplicationConfigurator {
  /** Where and how the target connects to the source. The password is already resolved. */
  record SourceLink(String host, int port, String user, String password, ReplicationOptions options) {}

  /**
   * Forgets any earlier replication, applies the schema filter where the flavor can, and points
   * the target at the source: at {@code from} (file/position) or by GTID auto-position.
   */
  void configure(Connection target, SourceLink link, BinlogCoordinates from, List<String> schemas) throws SQLException;

  void start(Connection target) throws SQLException;

  void stop(Connection target) throws SQLException;

  /** Stops replication and forgets its configuration and filter. Idempotent. */
  void reset(Connection target) throws SQLException;

  /** Skips the one event the SQL thread stopped on and starts the threads again. */
  void skipOneEvent(Connection target) throws SQLException;

  /**
   * Moves the IO thread to position 4 of the binlog file after {@code failedFile} and starts the
   * threads again; returns the new coordinates.
   */
  BinlogCoordinates nextLog(Connection target, String failedFile) throws SQLException;

  static ReplicationConfigurator forTarget(Endpoint target) {
    return target != null && target.isRdsFamily() ? new RdsReplicationConfigurator() : new SelfManagedReplicationConfigurator();
  }

  /** The binlog file after {@code file}: same base name, sequence + 1, same zero padding. */
  static String nextFile(String file) {
    int dot = file.lastIndexOf('.');
    String seq = file.substring(dot + 1);
    long n = Long.parseLong(seq) + 1;
    String next = String.valueOf(n);
    while (next.length() < seq.length()) next = "0" + next;
    return file.substring(0, dot + 1) + next;
  }

  /** The numeric suffix of a binlog file name, as mysql.rds_next_master_log takes it. */
  static long sequence(String file) {
    return Long.parseLong(file.substring(file.lastIndexOf('.') + 1));
  }
}
