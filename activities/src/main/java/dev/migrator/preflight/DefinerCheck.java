package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Views, routines, triggers and events carry a DEFINER account. Creating one whose definer is not
 * the creating account needs SUPER (MySQL 8: SET_USER_ID / SET_ANY_DEFINER), which RDS and Aurora
 * do not give: the handbook's ERROR 1227 at import. And an object whose definer does not exist on
 * the target fails when used (ERROR 1449). Reported per definer account missing on the target.
 */
public final class DefinerCheck implements PreflightCheck {
  private static final String[][] SOURCES = {
    {"view", "SELECT TABLE_SCHEMA s, TABLE_NAME n, DEFINER d FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN (%s)"},
    {"routine", "SELECT ROUTINE_SCHEMA s, ROUTINE_NAME n, DEFINER d FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (%s)"},
    {"trigger", "SELECT TRIGGER_SCHEMA s, TRIGGER_NAME n, DEFINER d FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (%s)"},
    {"event", "SELECT EVENT_SCHEMA s, EVENT_NAME n, DEFINER d FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN (%s)"},
  };

  @Override
  public String name() {
    return "definers";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    if (ctx.source == null || ctx.target == null) return;
    Map<String, List<String>> byDefiner = new LinkedHashMap<>();
    for (String[] src : SOURCES) {
      for (Map<String, String> row : ctx.source.rows(String.format(src[1], ctx.schemaPlaceholders()), ctx.schemaParams())) {
        String d = row.get("d");
        if (d == null || d.isBlank()) continue;
        byDefiner.computeIfAbsent(d, k -> new ArrayList<>()).add(src[0] + " " + row.get("s") + "." + row.get("n"));
      }
    }
    if (byDefiner.isEmpty()) return;
    String self = ctx.target.rows("SELECT CURRENT_USER() u").get(0).get("u");
    List<String> missing = new ArrayList<>();
    List<String> unchecked = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byDefiner.entrySet()) {
      String definer = e.getKey();
      if (definer.equals(self)) continue;
      String objects = definer + " (" + PreflightContext.list(e.getValue()) + ")";
      Boolean exists = accountExists(ctx.target, definer);
      if (exists == null) {
        unchecked.add(objects);
      } else if (!exists) {
        missing.add(objects);
      }
    }
    boolean rds = ctx.target.endpoint.isRdsFamily();
    String advice = "create the definer accounts on the target before the migration, or rewrite the DEFINER to the"
        + " migration's target account (or remove it: the creating account becomes the definer; the schema step"
        + " already does this for views)" + (rds ? "; " + ctx.target.endpoint.flavor + " has no SUPER, so a foreign"
            + " DEFINER fails with ERROR 1227" : "; without the account the objects fail when used (ERROR 1449)");
    if (!missing.isEmpty()) {
      ctx.add("definer-missing", Finding.WARNING, "target", ctx.target.where() + ": definer account(s) that do not"
          + " exist on the target: " + String.join("; ", missing), advice);
    }
    if (!unchecked.isEmpty()) {
      ctx.add("definer-unchecked", rds ? Finding.WARNING : Finding.INFO, "target", ctx.target.where()
          + ": cannot read mysql.user to see whether these definer accounts exist: " + String.join("; ", unchecked),
          advice);
    }
  }

  /** True/false, or null when the account list is not readable (no SELECT on mysql.user). */
  static Boolean accountExists(Side target, String definer) {
    int at = definer.lastIndexOf('@');
    String user = at < 0 ? definer : definer.substring(0, at);
    String host = at < 0 ? "" : definer.substring(at + 1);
    try {
      if (at < 0) { // MariaDB role as definer
        return !target.rows("SELECT 1 FROM mysql.user WHERE User = ? AND is_role = 'Y'", user).isEmpty();
      }
      return !target.rows("SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?", user, host).isEmpty();
    } catch (SQLException e) {
      return null;
    }
  }
}
