package dev.migrator.adapters;

import dev.migrator.activities.CopyInput;
import dev.migrator.activities.RedoLogActivities;
import dev.migrator.model.FailureType;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * copy.disableRedoLog on the target: ALTER INSTANCE {DISABLE|ENABLE} INNODB REDO_LOG, after reading
 * the status variable Innodb_redo_log_enabled, so a retry or a repeated undo changes nothing. The
 * statement is not binlogged (MySQL says so), so a target's own replicas are not touched.
 */
public class RedoLogActivitiesImpl implements RedoLogActivities {
  private static final Logger log = LoggerFactory.getLogger(RedoLogActivitiesImpl.class);
  private final Connector connector;

  public RedoLogActivitiesImpl(Connector connector) {
    this.connector = connector;
  }

  @Override
  public String disableRedoLog(CopyInput in) {
    return set(in, false);
  }

  @Override
  public String enableRedoLog(CopyInput in) {
    return set(in, true);
  }

  private String set(CopyInput in, boolean enabled) {
    String want = enabled ? "enabled" : "disabled";
    try (Connection c = connector.open("target", in.target)) {
      Boolean now = enabled(c);
      if (now == null) {
        throw FailureType.INCOMPATIBLE.failure("target " + in.target.address() + " has no Innodb_redo_log_enabled status"
            + " (MariaDB, or MySQL before 8.0.21): it cannot turn its redo log off; set copy.disableRedoLog to false");
      }
      if (now == enabled) return "redo log already " + want;
      Jdbc.exec(c, "ALTER INSTANCE " + (enabled ? "ENABLE" : "DISABLE") + " INNODB REDO_LOG");
      log.warn("target {}: InnoDB redo log {} (copy.disableRedoLog, migration {})", in.target.address(), want, in.migrationId);
      return "redo log " + want;
    } catch (SQLException e) {
      if (MySqlErrors.isPrivilegeError(e)) {
        throw FailureType.ACCESS_DENIED.failure("target " + in.target.address() + ": the account may not run ALTER INSTANCE "
            + (enabled ? "ENABLE" : "DISABLE") + " INNODB REDO_LOG: GRANT INNODB_REDO_LOG_ENABLE ON *.* TO the target"
            + " account, or set copy.disableRedoLog to false");
      }
      throw MySqlErrors.failure("target", in.target, e);
    }
  }

  /** Innodb_redo_log_enabled: true/false, or null where the server has no such status (MariaDB, MySQL < 8.0.21). */
  static Boolean enabled(Connection c) throws SQLException {
    Map<String, String> row = Jdbc.firstRow(c, "SHOW GLOBAL STATUS LIKE 'Innodb_redo_log_enabled'");
    if (row == null || row.get("Value") == null) return null;
    String v = row.get("Value");
    return "ON".equalsIgnoreCase(v) || "1".equals(v);
  }
}
