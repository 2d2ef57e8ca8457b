package dev.migrator.adapters;

import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Moves scheduled events between source and target at cutover (and back on rollback): the schema
 * step created them DISABLED on the target, because while the target replicates from the source
 * an event running on both would apply its writes twice. Each side keeps its definer: a plain
 * ALTER EVENT would make the migration account the definer, so the statement names it
 * ({@code ALTER DEFINER = 'u'@'h' EVENT ... ENABLE}); naming another account needs SUPER or
 * SET_USER_ID, and without it the event is left as it was on that side, with a note. An event is
 * never enabled on the target under a definer it lacks (it would fail at every run): it is enabled
 * as the migration account there instead, with a note saying how to restore the definer. On the
 * source (a switch back) each event is restored as it was.
 */
final class EventSwitch {
  private EventSwitch() {}

  /** Sets {@code events} ("schema.event") ENABLE or DISABLE on {@code c}; adds a note per event it could not switch. */
  static void set(Connection c, String side, List<String> events, boolean enable, List<String> notes) throws SQLException {
    for (String qualified : events) {
      int dot = qualified.indexOf('.');
      String schema = qualified.substring(0, dot);
      String name = qualified.substring(dot + 1);
      Map<String, String> row = Jdbc.firstRow(c, "SELECT DEFINER, STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = "
          + Sql.literal(schema) + " AND EVENT_NAME = " + Sql.literal(name));
      if (row == null) {
        notes.add("event " + qualified + " does not exist on the " + side + ": not " + (enable ? "enabled" : "disabled"));
        continue;
      }
      if (enable == "ENABLED".equalsIgnoreCase(row.get("STATUS"))) continue; // already so: idempotent
      String definer = row.get("DEFINER");
      int at = definer.lastIndexOf('@');
      String user = at < 0 ? definer : definer.substring(0, at);
      String host = at < 0 ? "%" : definer.substring(at + 1);
      String as = Sql.literal(user) + "@" + Sql.literal(host);
      if (enable && "target".equals(side) && Boolean.FALSE.equals(accountExists(c, user, host))) {
        // An enabled event whose definer is missing fails at every run ("The user specified as a
        // definer does not exist"): it runs as the migration account there instead, noted. (On
        // the source, a switch back restores the event as it was there.)
        as = "CURRENT_USER";
        notes.add("event " + qualified + ": its definer " + definer + " does not exist on the " + side + ", so it was"
            + " enabled there with the migration account " + Jdbc.scalar(c, "SELECT CURRENT_USER()") + " as definer;"
            + " to restore it, create " + definer + " on the " + side + " and run ALTER DEFINER = "
            + Sql.literal(user) + "@" + Sql.literal(host) + " EVENT " + Sql.table(schema, name) + " ENABLE");
      }
      try {
        Jdbc.exec(c, "ALTER DEFINER = " + as + " EVENT " + Sql.table(schema, name) + (enable ? " ENABLE" : " DISABLE"));
      } catch (SQLException e) {
        // 1227/1044/1142: no privilege to name that definer; 1290: a read-only server.
        if (e.getErrorCode() != MySqlErrors.ER_SPECIFIC_ACCESS_DENIED && e.getErrorCode() != MySqlErrors.ER_DBACCESS_DENIED && e.getErrorCode() != MySqlErrors.ER_TABLEACCESS_DENIED
            && e.getErrorCode() != MySqlErrors.ER_OPTION_PREVENTS_STATEMENT) {
          throw e;
        }
        notes.add("event " + qualified + " left " + (enable ? "disabled" : "enabled") + " on the " + side + ": "
            + e.getMessage() + " (ERROR " + e.getErrorCode() + "); " + (enable ? "enable" : "disable") + " it there by"
            + " hand (ALTER EVENT ... " + (enable ? "ENABLE" : "DISABLE") + " as its definer " + definer + ")");
      }
    }
    if (enable && !events.isEmpty()) {
      String scheduler = Jdbc.scalar(c, "SELECT @@GLOBAL.event_scheduler");
      if (!"ON".equalsIgnoreCase(scheduler) && !"1".equals(scheduler)) {
        notes.add("event_scheduler is " + scheduler + " on the " + side + ": its enabled events do not run until it is"
            + " ON (SET GLOBAL event_scheduler = ON, and in the configuration / parameter group)");
      }
    }
  }

  /**
   * Whether {@code user@host} exists on {@code c} (mysql.user); null when the account may not read
   * it (the definer is then kept as it is).
   */
  static Boolean accountExists(Connection c, String user, String host) throws SQLException {
    try {
      return !"0".equals(Jdbc.scalar(c, "SELECT COUNT(*) FROM mysql.user WHERE User = " + Sql.literal(user)
          + " AND Host = " + Sql.literal(host)));
    } catch (SQLException e) {
      if (MySqlErrors.isPrivilegeError(e)) return null;
      throw e;
    }
  }
}
