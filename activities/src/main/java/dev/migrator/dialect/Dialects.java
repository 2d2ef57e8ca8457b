package dev.migrator.dialect;

import dev.migrator.model.Endpoint;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.ServerInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Picks the {@link Dialect} of a server: the endpoint's flavor, VERSION(), and on RDS/Aurora its procedures. */
public final class Dialects {
  private Dialects() {}

  /** The server behind {@code c}; {@code e} (may be null) gives the flavor (rds-mysql, aurora-mysql). */
  public static Dialect detect(Connection c, Endpoint e) throws SQLException {
    ServerInfo v = ServerInfo.of(c);
    if (e != null && e.isRdsFamily() && !v.mariadb()) {
      return new RdsDialect(v, kindOf(e), procedures(c));
    }
    return of(v, e == null ? null : e.flavor, Map.of());
  }

  /** Without a connection (unit tests, and callers that already know): flavor null or "mysql" = self-managed. */
  public static Dialect of(ServerInfo v, String flavor, Map<String, Integer> procedures) {
    if (v.mariadb()) return new MariaDbDialect(v);
    if ("aurora-mysql".equals(flavor)) return new RdsDialect(v, Dialect.Kind.AURORA_MYSQL, procedures);
    if ("rds-mysql".equals(flavor)) return new RdsDialect(v, Dialect.Kind.RDS_MYSQL, procedures);
    return new MySqlDialect(v);
  }

  private static Dialect.Kind kindOf(Endpoint e) {
    return "aurora-mysql".equals(e.flavor) ? Dialect.Kind.AURORA_MYSQL : Dialect.Kind.RDS_MYSQL;
  }

  /** The mysql.rds_% procedures this account can see, with their number of parameters. */
  static Map<String, Integer> procedures(Connection c) throws SQLException {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map<String, String> row : Jdbc.rows(c, "SELECT r.ROUTINE_NAME AS name, (SELECT COUNT(*) FROM"
        + " information_schema.PARAMETERS p WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME ="
        + " r.ROUTINE_NAME AND p.ROUTINE_TYPE = 'PROCEDURE' AND p.ORDINAL_POSITION > 0) AS args"
        + " FROM information_schema.ROUTINES r WHERE r.ROUTINE_SCHEMA = 'mysql' AND r.ROUTINE_TYPE = 'PROCEDURE'"
        + " AND r.ROUTINE_NAME LIKE 'rds\\_%' ORDER BY r.ROUTINE_NAME")) {
      out.put(row.get("name"), Integer.parseInt(row.get("args")));
    }
    return out;
  }
}
