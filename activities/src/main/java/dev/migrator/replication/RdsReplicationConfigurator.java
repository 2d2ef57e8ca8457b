package dev.migrator.replication;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.ReplicationOptions;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.ServerInfo;
import io.temporal.failure.ApplicationFailure;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * RDS for MySQL and Aurora MySQL targets, which grant no SUPER: replication is configured and
 * steered only through the {@code mysql.rds_*} procedures. The replication filter of an RDS
 * instance lives in its DB parameter group ({@code replicate-wild-do-table}), which this class
 * cannot set: it checks that the filter covers the migrated schemas and refuses otherwise.
 */
public class RdsReplicationConfigurator implements ReplicationConfigurator {

  @Override
  public void configure(Connection dst, SourceLink link, BinlogCoordinates from, List<String> schemas)
      throws SQLException {
    reset(dst);
    ReplicationOptions o = link.options();
    int ssl = o.ssl || (o.sslCaFile != null && !o.sslCaFile.isBlank()) ? 1 : 0;
    if (o.gtidAutoPosition) {
      try (CallableStatement cs = dst.prepareCall("CALL mysql.rds_set_external_master_with_auto_position(?, ?, ?, ?, ?)")) {
        cs.setString(1, link.host());
        cs.setInt(2, link.port());
        cs.setString(3, link.user());
        cs.setString(4, link.password() == null ? "" : link.password());
        cs.setInt(5, ssl);
        cs.execute();
      }
    } else {
      if (from == null) throw new IllegalArgumentException("no binlog coordinates to start from");
      try (CallableStatement cs = dst.prepareCall("CALL mysql.rds_set_external_master(?, ?, ?, ?, ?, ?, ?)")) {
        cs.setString(1, link.host());
        cs.setInt(2, link.port());
        cs.setString(3, link.user());
        cs.setString(4, link.password() == null ? "" : link.password());
        cs.setString(5, from.file);
        cs.setLong(6, from.position);
        cs.setInt(7, ssl);
        cs.execute();
      }
    }
    String filter = filterOf(dst);
    List<String> missing = schemas.stream().filter(s -> !covers(filter, s)).toList();
    if (!missing.isEmpty()) {
      reset(dst);
      throw ApplicationFailure.newNonRetryableFailure("target: the replication filter (Replicate_Wild_Do_Table='"
          + (filter == null ? "" : filter) + "') does not cover " + missing + ". On RDS/Aurora the filter is set in the"
          + " DB (cluster) parameter group: set replicate-wild-do-table to "
          + String.join(",", schemas.stream().map(s -> s + ".%").toList()) + " and retry", "Incompatible");
    }
  }

  static String filterOf(Connection dst) throws SQLException {
    Map<String, String> row = Jdbc.firstRow(dst, ServerInfo.of(dst).replicaStatusStatement());
    return row == null ? null : row.get("Replicate_Wild_Do_Table");
  }

  static boolean covers(String filter, String schema) {
    if (filter == null) return false;
    for (String f : filter.split(",")) {
      String t = f.trim().replace("\\_", "_").replace("\\%", "%");
      if (t.equals(schema + ".%") || t.equals("%.%")) return true;
    }
    return false;
  }

  @Override
  public void start(Connection dst) throws SQLException {
    Jdbc.exec(dst, "CALL mysql.rds_start_replication");
  }

  @Override
  public void stop(Connection dst) throws SQLException {
    Jdbc.exec(dst, "CALL mysql.rds_stop_replication");
  }

  @Override
  public void reset(Connection dst) throws SQLException {
    if (Jdbc.firstRow(dst, ServerInfo.of(dst).replicaStatusStatement()) == null) return; // nothing configured
    stop(dst);
    Jdbc.exec(dst, "CALL mysql.rds_reset_external_master");
  }

  @Override
  public void skipOneEvent(Connection dst) throws SQLException {
    // rds_skip_repl_error skips the event and lets the SQL thread go on by itself.
    Jdbc.exec(dst, "CALL mysql.rds_skip_repl_error");
  }

  @Override
  public BinlogCoordinates nextLog(Connection dst, String failedFile) throws SQLException {
    try (CallableStatement cs = dst.prepareCall("CALL mysql.rds_next_master_log(?)")) {
      cs.setLong(1, ReplicationConfigurator.sequence(failedFile));
      cs.execute();
    }
    start(dst);
    return new BinlogCoordinates(ReplicationConfigurator.nextFile(failedFile), 4, null);
  }
}
