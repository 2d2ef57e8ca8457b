package dev.migrator.dialect;

import dev.migrator.mysql.Jdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How long a server keeps its binlogs, per dialect: RDS/Aurora 'binlog retention hours'
 * (mysql.rds_show_configuration / rds_set_configuration); self-managed MySQL
 * binlog_expire_logs_seconds (expire_logs_days only before 8.4: ERROR 1193 on 9.x); MariaDB
 * binlog_expire_logs_seconds (10.6.1+) or expire_logs_days.
 */
public final class BinlogRetention {
  private BinlogRetention() {}

  /** RDS/Aurora: the configured hours, or null (purged as soon as possible). */
  public static Integer rdsHours(Connection c, Dialect d) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(d.showRetention())) {
      while (rs.next()) {
        if ("binlog retention hours".equalsIgnoreCase(rs.getString(1))) {
          String v = rs.getString(2);
          return v == null || v.equalsIgnoreCase("NULL") ? null : Integer.valueOf(v.trim());
        }
      }
    }
    return null;
  }

  /** Self-managed: seconds after which the server purges binlogs; 0 means never. */
  public static long effectiveSeconds(Connection c, Dialect d) throws SQLException {
    for (String var : d.retentionVariables()) {
      String v = Jdbc.variable(c, var);
      if (v == null || v.isBlank()) continue;
      long secs = var.equals("expire_logs_days") ? (long) (Double.parseDouble(v) * 86400) : Long.parseLong(v.trim());
      if (secs > 0) return secs;
    }
    return 0;
  }
}
