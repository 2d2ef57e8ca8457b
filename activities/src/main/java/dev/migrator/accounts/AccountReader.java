package dev.migrator.accounts;

import dev.migrator.mysql.ServerInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads accounts from one engine. {@link #list} names every account and role; {@link #read} reads
 * one completely (hash, attributes, grants). Both need SELECT on the grant tables; without it they
 * throw {@link AccountsUnreadable} saying exactly what could not be read.
 */
public interface AccountReader {
  /** Every account and role of the server, with whether it is a role. */
  Map<AccountName, Boolean> list(Connection c) throws SQLException;

  /** One account, or null when it does not exist. */
  Account read(Connection c, AccountName name, boolean role) throws SQLException;

  static AccountReader of(ServerInfo info) {
    return info.mariadb() ? new MariaDbAccountReader() : new MySqlAccountReader();
  }

  /** SHOW GRANTS FOR the account, parsed (the lines are never kept: MariaDB's carry the hash). */
  static GrantSet showGrants(Connection c, AccountName name, String where) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS FOR " + name.sql())) {
      while (rs.next()) lines.add(rs.getString(1));
    } catch (SQLException e) {
      if (e.getErrorCode() == 1141 || e.getErrorCode() == 1133) return new GrantSet();
      if (e.getErrorCode() == 1044 || e.getErrorCode() == 1142 || e.getErrorCode() == 1227) {
        throw new AccountsUnreadable(where + ": cannot read the grants of " + name.display() + " (SHOW GRANTS FOR,"
            + " ERROR " + e.getErrorCode() + "): the migration account needs SELECT on the mysql schema");
      }
      throw e;
    }
    return GrantParser.parse(name, lines);
  }

  static AccountsUnreadable unreadable(String where, String table, SQLException e, String what) {
    return new AccountsUnreadable(where + ": cannot read " + table + " (ERROR " + e.getErrorCode() + "): " + what
        + "; grant the migration account SELECT ON " + table + " (or on the mysql schema)");
  }

  static boolean denied(SQLException e) {
    return e.getErrorCode() == 1142 || e.getErrorCode() == 1044 || e.getErrorCode() == 1143 || e.getErrorCode() == 1227;
  }
}
