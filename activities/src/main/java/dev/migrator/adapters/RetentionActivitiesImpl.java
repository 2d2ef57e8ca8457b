package dev.migrator.adapters;

import dev.migrator.activities.RetentionActivities;
import dev.migrator.activities.RetentionInput;
import dev.migrator.model.RetentionChange;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import io.temporal.activity.Activity;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Step 2. RDS/Aurora sources: raise 'binlog retention hours' through mysql.rds_set_configuration
 * and put the previous value back afterwards. Self-managed sources: read
 * binlog_expire_logs_seconds / expire_logs_days and warn when too short (changing a server's
 * purge policy is left to its owner).
 */
public class RetentionActivitiesImpl implements RetentionActivities {
  private final Connector connector;

  public RetentionActivitiesImpl(Connector connector) {
    this.connector = connector;
  }

  @Override
  public RetentionChange readRetention(RetentionInput r) {
    RetentionChange c = new RetentionChange();
    try (Connection src = connector.open("source", r.source)) {
      if (r.source.isRdsFamily()) {
        c.previousHours = rdsRetentionHours(src);
      } else {
        c.effectiveSeconds = effectiveSeconds(src);
      }
      return c;
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  @Override
  public RetentionChange ensureRetention(RetentionInput r, RetentionChange before) {
    RetentionChange c = new RetentionChange();
    c.previousHours = before.previousHours;
    c.newHours = r.retentionHours;
    try (Connection src = connector.open("source", r.source)) {
      if (r.source.isRdsFamily()) {
        if (before.previousHours == null || before.previousHours < r.retentionHours) {
          try (CallableStatement cs = src.prepareCall("CALL mysql.rds_set_configuration('binlog retention hours', ?)")) {
            cs.setInt(1, r.retentionHours);
            cs.execute();
          }
          c.changed = true;
          c.note = "binlog retention hours raised from " + before.previousHours + " to " + r.retentionHours;
        } else {
          c.note = "binlog retention hours already " + before.previousHours;
        }
      } else {
        long secs = effectiveSeconds(src);
        c.effectiveSeconds = secs;
        if (secs != 0 && secs < r.retentionHours * 3600L) {
          c.note = "source purges binlogs after " + secs / 3600 + " h, less than the " + r.retentionHours
              + " h this migration needs: raise binlog_expire_logs_seconds (or expire_logs_days)";
          Activity.getExecutionContext().heartbeat(c.note);
        } else {
          c.note = secs == 0 ? "source never purges binlogs automatically" : "source keeps binlogs " + secs / 3600 + " h";
        }
      }
      return c;
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  @Override
  public void restoreRetention(RetentionInput r, RetentionChange before) {
    if (before == null || !r.source.isRdsFamily()) return; // nothing was changed on self-managed sources
    try (Connection src = connector.open("source", r.source);
        CallableStatement cs = src.prepareCall("CALL mysql.rds_set_configuration('binlog retention hours', ?)")) {
      if (before.previousHours == null) {
        cs.setNull(1, java.sql.Types.INTEGER);
      } else {
        cs.setInt(1, before.previousHours);
      }
      cs.execute();
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  static Integer rdsRetentionHours(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("CALL mysql.rds_show_configuration")) {
      while (rs.next()) {
        if ("binlog retention hours".equalsIgnoreCase(rs.getString(1))) {
          String v = rs.getString(2);
          return v == null || v.equalsIgnoreCase("NULL") ? null : Integer.valueOf(v.trim());
        }
      }
    }
    return null;
  }

  /** Seconds after which the server purges binlogs; 0 means never. */
  static long effectiveSeconds(Connection c) throws SQLException {
    String s = Jdbc.variable(c, "binlog_expire_logs_seconds");
    if (s != null && Long.parseLong(s) > 0) return Long.parseLong(s);
    String d = Jdbc.variable(c, "expire_logs_days");
    if (d != null) return (long) (Double.parseDouble(d) * 86400);
    return 0;
  }
}
