package dev.migrator.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small JDBC helpers: rows as maps keyed case-insensitively. */
public final class Jdbc {
  private Jdbc() {}

  public static List<Map<String, String>> rows(Connection c, String sql) throws SQLException {
    List<Map<String, String>> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i <= md.getColumnCount(); i++) row.put(md.getColumnLabel(i), rs.getString(i));
        out.add(row);
      }
    }
    return out;
  }

  public static Map<String, String> firstRow(Connection c, String sql) throws SQLException {
    List<Map<String, String>> r = rows(c, sql);
    return r.isEmpty() ? null : r.get(0);
  }

  public static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Global variables matching a LIKE pattern, name -> value (lower-case names). */
  public static Map<String, String> variables(Connection c, String like) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + like.replace("'", "''") + "'")) {
      while (rs.next()) out.put(rs.getString(1).toLowerCase(), rs.getString(2));
    }
    return out;
  }

  public static String variable(Connection c, String name) throws SQLException {
    return variables(c, name).get(name.toLowerCase());
  }

  public static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) s.execute(q);
    }
  }
}
