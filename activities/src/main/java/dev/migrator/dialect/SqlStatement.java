package dev.migrator.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One statement a {@link Dialect} writes, with its placeholders' values. Secrets are wrapped in
 * {@link Secret} so that {@link #toString()} (logs, test expectations) never shows them.
 */
public record SqlStatement(String sql, List<Object> params) {
  /** A parameter value that must never be printed (a password). */
  public record Secret(String value) {
    @Override
    public String toString() {
      return "'***'";
    }
  }

  public static SqlStatement of(String sql, Object... params) {
    return new SqlStatement(sql, new ArrayList<>(Arrays.asList(params)));
  }

  public boolean isCall() {
    return sql.regionMatches(true, 0, "CALL ", 0, 5);
  }

  /** Runs it: placeholders bound in order, secrets unwrapped. */
  public void execute(Connection c) throws SQLException {
    try (PreparedStatement ps = isCall() ? c.prepareCall(sql) : c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        Object p = params.get(i);
        ps.setObject(i + 1, p instanceof Secret s ? s.value() : p);
      }
      ps.execute();
    }
  }

  public static void executeAll(Connection c, List<SqlStatement> statements) throws SQLException {
    for (SqlStatement s : statements) s.execute(c);
  }

  /** The statement with its values in place of the placeholders (strings quoted, secrets masked). */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    int p = 0;
    for (int i = 0; i < sql.length(); i++) {
      char ch = sql.charAt(i);
      if (ch == '?' && p < params.size()) {
        Object v = params.get(p++);
        b.append(v instanceof String s ? "'" + s.replace("'", "''") + "'" : String.valueOf(v));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
