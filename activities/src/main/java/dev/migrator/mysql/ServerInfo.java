package dev.migrator.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a server is: its version string, MariaDB or MySQL, and the version numbers. MySQL after 9.7
 * uses calendar versions (26.7.0, ...): they parse as major 26 and compare after every 9.x. What
 * differs per kind of server (statements, names, privileges) is in {@link dev.migrator.dialect.Dialect}.
 */
public record ServerInfo(String version, boolean mariadb, int major, int minor, int patch) {

  public static ServerInfo of(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
      rs.next();
      return parse(rs.getString(1));
    }
  }

  /**
   * "8.0.35", "8.4.3-log", "9.7.4", "26.7.0", "10.11.6-MariaDB-0+deb12u1",
   * "5.5.5-10.6.16-MariaDB" (the old replication-compatible prefix) .
   */
  public static ServerInfo parse(String v) {
    String s = v == null ? "" : v.trim();
    boolean maria = s.toLowerCase().contains("mariadb");
    if (maria && s.startsWith("5.5.5-")) s = s.substring(6);
    String[] parts = s.split("[^0-9]+");
    int ma = parts.length > 0 ? number(parts[0]) : 0;
    int mi = parts.length > 1 ? number(parts[1]) : 0;
    int pa = parts.length > 2 ? number(parts[2]) : 0;
    return new ServerInfo(v, maria, ma, mi, pa);
  }

  private static int number(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public boolean atLeast(int a, int b, int c) {
    return major > a || (major == a && (minor > b || (minor == b && patch >= c)));
  }

  /** MySQL's calendar versions (after 9.7): 26.x and later. */
  public boolean calendarVersion() {
    return !mariadb && major >= 10;
  }

  /** "MySQL 9.7.4", "MariaDB 10.11.6". */
  public String describe() {
    return (mariadb ? "MariaDB " : "MySQL ") + major + "." + minor + "." + patch;
  }
}
