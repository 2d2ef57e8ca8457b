package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The source must keep binary logs for as long as the migration needs them (request.retentionHours):
 * if they are purged before the target has read them, replication stops with ERROR 1236 and must be
 * rebuilt from scratch. RDS/Aurora: 'binlog retention hours' from mysql.rds_show_configuration
 * (step 2 raises it and puts it back afterwards). Self-managed: binlog_expire_logs_seconds, or
 * expire_logs_days when that is 0; migrator does not change a self-managed server's purge policy.
 */
public final class BinlogRetentionCheck implements PreflightCheck {
  @Override
  public String name() {
    return "binlog retention";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    Side s = ctx.source;
    if (s == null || !"ON".equalsIgnoreCase(s.var("log_bin"))) return;
    int need = ctx.request.retentionHours;
    if (s.endpoint.isRdsFamily()) {
      Integer hours = rdsRetentionHours(s);
      if (hours == null || hours < need) {
        ctx.add("binlog-retention", Finding.INFO, "source", s.where() + ": binlog retention hours="
                + (hours == null ? "NULL (binlogs are purged as soon as possible)" : hours) + ", the migration needs "
                + need,
            "nothing to do: step 2 raises it to " + need + " with mysql.rds_set_configuration and restores it"
                + " afterwards; the binlogs take storage meanwhile");
      }
      return;
    }
    long seconds = s.longVar("binlog_expire_logs_seconds", 0);
    String from = "binlog_expire_logs_seconds=" + seconds;
    if (seconds == 0) {
      double days = 0;
      try {
        days = s.var("expire_logs_days") == null ? 0 : Double.parseDouble(s.var("expire_logs_days"));
      } catch (NumberFormatException ignored) {
        // unknown: treat as never
      }
      seconds = (long) (days * 86400);
      from = "expire_logs_days=" + s.var("expire_logs_days");
    }
    if (seconds > 0 && seconds < need * 3600L) {
      ctx.add("binlog-retention", Finding.WARNING, "source", s.where() + ": " + from + " purges binary logs after "
              + hours(seconds) + ", shorter than the " + need + " h this migration needs (retentionHours)",
          "raise it for the migration: SET GLOBAL binlog_expire_logs_seconds=" + need * 3600L
              + " (MySQL 8 / MariaDB 10.6+; expire_logs_days on older servers) and in my.cnf, or lower retentionHours"
              + " if the copy is known to be shorter; if binlogs are purged too early replication fails with"
              + " ERROR 1236 and the migration starts over");
    }
  }

  private static String hours(long seconds) {
    return seconds % 3600 == 0 ? seconds / 3600 + " h" : String.format("%.1f h", seconds / 3600.0);
  }

  static Integer rdsRetentionHours(Side s) throws SQLException {
    return dev.migrator.dialect.BinlogRetention.rdsHours(s.connection, s.dialect);
  }
}
