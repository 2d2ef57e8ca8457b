package dev.migrator.impl;

import dev.migrator.activities.PreflightActivities;
import dev.migrator.model.Endpoint;
import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.ServerInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Step 1. Read-only: connects to each endpoint and checks what replication needs. Connection
 * errors become blocking findings with the handbook's advice instead of exceptions.
 */
public class PreflightActivitiesImpl implements PreflightActivities {
  private final Connector connector;

  public PreflightActivitiesImpl(Connector connector) {
    this.connector = connector;
  }

  @Override
  public PreflightReport preflight(MigrationRequest r) {
    PreflightReport report = new PreflightReport();
    try (Connection src = connect(report, "source", r.source);
        Connection dst = connect(report, "target", r.target)) {
      if (src != null) checkSource(report, src, r);
      if (dst != null) checkTarget(report, dst, r);
      if (src != null && dst != null) {
        String a = Jdbc.variable(src, "server_id");
        String b = Jdbc.variable(dst, "server_id");
        if (a != null && a.equals(b)) {
          report.add(new Finding("server-id-distinct", Finding.BLOCKING, "target", "source and target both have server_id=" + a,
              "give every server a distinct server_id (my.cnf or the parameter group) and restart"));
        }
      }
    } catch (SQLException e) {
      report.add(new Finding("query", Finding.BLOCKING, "source", MySqlErrors.diagnose("preflight", null, e).message(),
          "rerun preflight after fixing the error"));
    }
    return report;
  }

  private Connection connect(PreflightReport report, String role, Endpoint e) {
    try {
      return connector.openRaw(role, e);
    } catch (SQLException ex) {
      MySqlErrors.Diagnosis d = MySqlErrors.diagnose(role, e, ex);
      report.add(new Finding("connect", Finding.BLOCKING, role, d.message(), "fix the connection and rerun preflight"));
      return null;
    }
  }

  private void checkSource(PreflightReport report, Connection c, MigrationRequest r) throws SQLException {
    ServerInfo info = ServerInfo.of(c);
    report.add(new Finding("version", Finding.INFO, "source", info.version(), null));
    Map<String, String> v = Jdbc.variables(c, "log_bin");
    if (!"ON".equalsIgnoreCase(v.get("log_bin"))) {
      report.add(new Finding("binlog-on", Finding.BLOCKING, "source", "log_bin=" + v.get("log_bin"),
          "enable binary logging on the source (log_bin; on RDS a backup retention period above 0) and restart;"
              + " replication is impossible without it (ERROR 1381)"));
    }
    String format = Jdbc.variable(c, "binlog_format");
    if (!"ROW".equalsIgnoreCase(format)) {
      report.add(new Finding("binlog-format", Finding.BLOCKING, "source", "binlog_format=" + format,
          "set binlog_format=ROW on the source (my.cnf or the parameter group)"));
    }
    for (String schema : r.schemas) {
      if (!schemaExists(c, schema)) {
        report.add(new Finding("schema-exists", Finding.BLOCKING, "source",
            "schema '" + schema + "' does not exist on the source (ERROR 1049)",
            "check the name in 'schemas' and lower_case_table_names"));
      }
    }
  }

  private void checkTarget(PreflightReport report, Connection c, MigrationRequest r) throws SQLException {
    ServerInfo info = ServerInfo.of(c);
    report.add(new Finding("version", Finding.INFO, "target", info.version(), null));
    for (String schema : r.schemas) {
      if (schemaExists(c, schema)) {
        report.add(new Finding("target-schema-absent", Finding.BLOCKING, "target",
            "schema '" + schema + "' already exists on the target",
            "migrator never overwrites a schema: drop it on the target, or migrate into a fresh server"));
      }
    }
  }

  static boolean schemaExists(Connection c, String schema) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
