package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What MySQL Shell's upgrade checker and the handbook flag for a move to MySQL 8.x/9.x or Aurora
 * MySQL 3 (the accounts on mysql_native_password are the accounts step's): views and routines
 * using functions MySQL 8.0 removed (and MD5/SHA1, gone in 9.7), utf8mb3 columns (deprecated,
 * to be removed), objects named by words reserved since 8.0, MySQL's default collation
 * utf8mb4_0900_ai_ci on the way to MariaDB (which lacks it), and TLS required by the target
 * (require_secure_transport=ON) without a CA for the endpoint. Warnings: each names the objects
 * and what to change. Blocking: stored functions or triggers to create on a target that binlogs,
 * with log_bin_trust_function_creators=OFF, through an account without SUPER (RDS/Aurora's admin
 * user): the schema step would fail with ERROR 1419 (found on the Aurora-like MySQL 9.7).
 */
public final class MySqlCompatibilityCheck implements PreflightCheck {
  /** Removed in MySQL 8.0 (PASSWORD, ENCODE, ...) and in 9.7 (MD5, SHA1, SHA). */
  static final List<String> REMOVED_80 = List.of("PASSWORD", "ENCODE", "DECODE", "ENCRYPT", "DES_ENCRYPT",
      "DES_DECRYPT", "OLD_PASSWORD", "GLENGTH", "GLENGTH", "ASTEXT", "ASBINARY", "GEOMFROMTEXT", "GEOMFROMWKB",
      "POINTFROMTEXT", "MBRCONTAINS", "CONTAINS", "WITHIN", "X", "Y");
  static final List<String> REMOVED_97 = List.of("MD5", "SHA1", "SHA");
  /** Keywords reserved since MySQL 8.0 (the upgrade checker's list, the ones an application is likely to use). */
  static final Set<String> RESERVED_80 = Set.of("cume_dist", "dense_rank", "empty", "except", "first_value", "function",
      "grouping", "groups", "json_table", "lag", "last_value", "lateral", "lead", "nth_value", "ntile", "of", "over",
      "percent_rank", "rank", "recursive", "row_number", "system", "window", "manual", "parallel", "qualify",
      "tablesample");

  @Override
  public String name() {
    return "MySQL compatibility";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    Side s = ctx.source;
    Side t = ctx.target;
    if (s == null || t == null || s.connection == null) return;
    boolean toMySql = !t.info.mariadb();
    String in = schemaList(ctx);
    if (toMySql) {
      List<String> removed = new ArrayList<>(REMOVED_80);
      if (t.info.atLeast(9, 7, 0)) removed.addAll(REMOVED_97);
      List<String> uses = new ArrayList<>();
      for (Map<String, String> r : s.rows("SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) AS o, 'view' AS k,"
          + " VIEW_DEFINITION AS body FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN (" + in + ")"
          + " UNION ALL SELECT CONCAT(ROUTINE_SCHEMA, '.', ROUTINE_NAME), LOWER(ROUTINE_TYPE), ROUTINE_DEFINITION"
          + " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (" + in + ")")) {
        String body = r.get("body") == null ? "" : r.get("body").toUpperCase();
        for (String f : removed) {
          if (body.matches("(?s).*(?<![A-Z0-9_$.])`?" + f + "`?\\s*\\(.*")) {
            uses.add(r.get("k") + " " + r.get("o") + " uses " + f + "()");
          }
        }
      }
      if (!uses.isEmpty()) {
        ctx.add("removed-functions", Finding.WARNING, "source", s.where() + ": functions " + t.dialect.describe()
                + " does not have: " + PreflightContext.list(uses),
            "rewrite them before the migration (PASSWORD/ENCRYPT: application-side hashing; MD5/SHA1: SHA2(x, 256);"
                + " GLength, AsText, ...: the ST_ functions): creating them on the target fails");
      }
      List<String> reserved = new ArrayList<>();
      for (Map<String, String> r : s.rows("SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) AS o, TABLE_NAME AS n FROM"
          + " information_schema.TABLES WHERE TABLE_SCHEMA IN (" + in + ") UNION ALL SELECT CONCAT(TABLE_SCHEMA,"
          + " '.', TABLE_NAME, '.', COLUMN_NAME), COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN ("
          + in + ")")) {
        if (RESERVED_80.contains(r.get("n").toLowerCase())) reserved.add(r.get("o"));
      }
      if (!reserved.isEmpty()) {
        ctx.add("reserved-words", Finding.WARNING, "source", s.where() + ": names that are reserved words since MySQL"
                + " 8.0: " + PreflightContext.list(reserved),
            "migrator quotes every name, but the application's SQL must quote them too (`rank`), or rename them");
      }
    }
    if (!t.info.mariadb()) trustFunctionCreators(ctx, in);
    List<String> utf8mb3 = new ArrayList<>();
    for (Map<String, String> r : s.rows("SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, '.', COLUMN_NAME) AS o FROM"
        + " information_schema.COLUMNS WHERE TABLE_SCHEMA IN (" + in + ") AND CHARACTER_SET_NAME IN ('utf8', 'utf8mb3')")) {
      utf8mb3.add(r.get("o"));
    }
    if (!utf8mb3.isEmpty()) {
      ctx.add("utf8mb3", Finding.WARNING, "source", s.where() + ": utf8mb3 columns (deprecated, to be removed; no"
              + " 4-byte characters): " + PreflightContext.list(utf8mb3),
          "convert them to utf8mb4 (ALTER TABLE ... CONVERT TO CHARACTER SET utf8mb4) before or after the migration");
    }
    if (t.info.mariadb() && !s.info.mariadb()) {
      List<String> c0900 = new ArrayList<>();
      for (Map<String, String> r : s.rows("SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) AS o FROM"
          + " information_schema.TABLES WHERE TABLE_SCHEMA IN (" + in + ") AND TABLE_COLLATION LIKE '%\\_0900\\_%'")) {
        c0900.add(r.get("o"));
      }
      if (!c0900.isEmpty()) {
        ctx.add("collation-0900", Finding.WARNING, "source", s.where() + ": tables with MySQL 8's utf8mb4_0900"
                + " collations, which " + t.dialect.describe() + " does not have: " + PreflightContext.list(c0900),
            "the schema step must map them (utf8mb4_0900_ai_ci → utf8mb4_general_ci or utf8mb4_uca1400_ai_ci)");
      }
    }
    if ("ON".equalsIgnoreCase(t.var("require_secure_transport"))
        && (t.endpoint.tlsCaFile == null || t.endpoint.tlsCaFile.isBlank())) {
      ctx.add("tls-required", Finding.WARNING, "target", t.where() + ": require_secure_transport=ON: only TLS"
              + " connections are accepted; without target.tlsCaFile the worker's connections are encrypted but the"
              + " server certificate is not verified",
          "set target.tlsCaFile to the CA bundle that signed the server's certificate (RDS/Aurora: the region's bundle)");
    }
  }

  /**
   * ERROR 1419 at the schema step: with binary logging on and log_bin_trust_function_creators OFF,
   * only an account with SUPER may create stored functions and triggers. RDS/Aurora never give
   * SUPER; the parameter group sets the variable.
   */
  static void trustFunctionCreators(PreflightContext ctx, String in) throws SQLException {
    Side s = ctx.source;
    Side t = ctx.target;
    if (!"ON".equalsIgnoreCase(t.var("log_bin")) || !isOff(t.var("log_bin_trust_function_creators"))) return;
    if (!t.endpoint.isRdsFamily() && t.grants().hasGlobal("SUPER")) return;
    List<String> objects = new ArrayList<>();
    for (Map<String, String> r : s.rows("SELECT CONCAT('function ', ROUTINE_SCHEMA, '.', ROUTINE_NAME) AS o FROM"
        + " information_schema.ROUTINES WHERE ROUTINE_TYPE = 'FUNCTION' AND ROUTINE_SCHEMA IN (" + in + ")"
        + " UNION ALL SELECT CONCAT('trigger ', TRIGGER_SCHEMA, '.', TRIGGER_NAME) FROM information_schema.TRIGGERS"
        + " WHERE TRIGGER_SCHEMA IN (" + in + ")")) {
      objects.add(r.get("o"));
    }
    if (objects.isEmpty()) return;
    ctx.add("trust-function-creators", Finding.BLOCKING, "target", t.where() + ": binary logging is on and"
            + " log_bin_trust_function_creators is OFF, and the target account has no SUPER: creating "
            + PreflightContext.list(objects) + " would fail with ERROR 1419",
        t.endpoint.isRdsFamily()
            ? "set log_bin_trust_function_creators = 1 in the target's DB cluster (Aurora) or DB instance (RDS)"
                + " parameter group and apply it, then start the migration again"
            : "SET PERSIST log_bin_trust_function_creators = ON on the target (or migrate with an account that has"
                + " SUPER), then start the migration again");
  }

  private static boolean isOff(String v) {
    return v != null && ("OFF".equalsIgnoreCase(v) || "0".equals(v));
  }

  private static String schemaList(PreflightContext ctx) {
    StringBuilder b = new StringBuilder();
    for (String sc : ctx.request.schemas) b.append(b.length() == 0 ? "" : ", ").append(dev.migrator.mysql.Sql.literal(sc));
    return b.length() == 0 ? "''" : b.toString();
  }
}
