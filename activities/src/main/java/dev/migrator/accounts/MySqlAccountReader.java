package dev.migrator.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * MySQL 8.0, 8.4 and 9.x: accounts from {@code mysql.user} (plugin, the hash as
 * {@code HEX(authentication_string)}: caching_sha2_password hashes hold arbitrary bytes, lock,
 * expiry, lifetime, limits, TLS, password policies, {@code User_attributes} for failed-login
 * tracking and ATTRIBUTE/COMMENT), roles from {@code mysql.role_edges}, default roles from
 * {@code mysql.default_roles}, grants from {@code SHOW GRANTS FOR}.
 */
public final class MySqlAccountReader implements AccountReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private String where = "source";

  public MySqlAccountReader where(String w) {
    where = w;
    return this;
  }

  @Override
  public Map<AccountName, Boolean> list(Connection c) throws SQLException {
    Set<AccountName> roles = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT FROM_USER, FROM_HOST FROM mysql.role_edges");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) roles.add(new AccountName(rs.getString(1), rs.getString(2)));
    } catch (SQLException e) {
      if (!AccountReader.denied(e)) throw e;
      throw AccountReader.unreadable(where, "mysql.role_edges", e, "which accounts are roles cannot be read");
    }
    Map<AccountName, Boolean> out = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT User, Host, account_locked, password_expired,"
        + " LENGTH(authentication_string) = 0 AS nopw FROM mysql.user");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        AccountName n = new AccountName(rs.getString(1), rs.getString(2));
        // CREATE ROLE makes a locked account with an expired, empty password.
        boolean createdAsRole = "Y".equals(rs.getString(3)) && "Y".equals(rs.getString(4)) && rs.getBoolean(5);
        out.put(n, roles.contains(n) || createdAsRole);
      }
    } catch (SQLException e) {
      if (!AccountReader.denied(e)) throw e;
      throw AccountReader.unreadable(where, "mysql.user", e, "the accounts and their password hashes"
          + " (authentication_string) cannot be read");
    }
    return out;
  }

  @Override
  public Account read(Connection c, AccountName name, boolean role) throws SQLException {
    Account a = new Account(name);
    a.role = role;
    try {
      boolean found;
      try {
        found = readUserRow(c, name, a, MODERN_COLUMNS);
      } catch (SQLException e) {
        if (e.getErrorCode() != 1054) throw e;
        found = readUserRow(c, name, a, LEGACY_COLUMNS); // MySQL 8.0 before 8.0.19: no User_attributes
      }
      if (!found) return null;
    } catch (SQLException e) {
      if (!AccountReader.denied(e)) throw e;
      a.authReadable = false;
      throw AccountReader.unreadable(where, "mysql.user", e, "the password hash (authentication_string) and"
          + " attributes of " + name.display() + " cannot be read");
    }
    a.grants = AccountReader.showGrants(c, name, where);
    try (PreparedStatement ps = c.prepareStatement("SELECT DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST FROM mysql.default_roles"
        + " WHERE USER = ? AND HOST = ? ORDER BY DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST")) {
      ps.setString(1, name.user());
      ps.setString(2, name.host());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) a.grants.defaultRoles.add(new AccountName(rs.getString(1), rs.getString(2)));
      }
    } catch (SQLException e) {
      if (!AccountReader.denied(e)) throw e;
      throw AccountReader.unreadable(where, "mysql.default_roles", e, "the default roles of " + name.display()
          + " cannot be read");
    }
    return a;
  }

  private static final String MODERN_COLUMNS = "Password_reuse_history, Password_reuse_time, Password_require_current,"
      + " CAST(User_attributes AS CHAR) attrs";
  private static final String LEGACY_COLUMNS = "Password_reuse_history, Password_reuse_time, Password_require_current,"
      + " NULL attrs";

  private static boolean readUserRow(Connection c, AccountName name, Account a, String extra) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT plugin, HEX(authentication_string) auth, account_locked,"
        + " password_expired, password_lifetime, max_questions, max_updates, max_connections, max_user_connections,"
        + " ssl_type, CAST(ssl_cipher AS CHAR) ssl_cipher, CAST(x509_issuer AS CHAR) x509_issuer,"
        + " CAST(x509_subject AS CHAR) x509_subject, " + extra + " FROM mysql.user WHERE User = ? AND Host = ?")) {
      ps.setString(1, name.user());
      ps.setString(2, name.host());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return false;
        String hex = rs.getString("auth");
        a.auth.add(new Account.AuthMethod(rs.getString("plugin"),
            hex == null || hex.isEmpty() ? new byte[0] : HexFormat.of().parseHex(hex)));
        a.locked = "Y".equals(rs.getString("account_locked"));
        a.passwordExpired = "Y".equals(rs.getString("password_expired"));
        int life = rs.getInt("password_lifetime");
        a.passwordLifetime = rs.wasNull() ? null : life;
        a.maxQueries = rs.getLong("max_questions");
        a.maxUpdates = rs.getLong("max_updates");
        a.maxConnections = rs.getLong("max_connections");
        a.maxUserConnections = rs.getLong("max_user_connections");
        a.sslType = nz(rs.getString("ssl_type"));
        a.sslCipher = nz(rs.getString("ssl_cipher"));
        a.x509Issuer = nz(rs.getString("x509_issuer"));
        a.x509Subject = nz(rs.getString("x509_subject"));
        int hist = rs.getInt("Password_reuse_history");
        a.passwordHistory = rs.wasNull() ? null : hist;
        int reuse = rs.getInt("Password_reuse_time");
        a.passwordReuseDays = rs.wasNull() ? null : reuse;
        String cur = rs.getString("Password_require_current");
        a.passwordRequireCurrent = cur == null ? null : "Y".equals(cur);
        attributes(a, rs.getString("attrs"));
        return true;
      }
    }
  }

  /** User_attributes: failed-login tracking and metadata (ATTRIBUTE/COMMENT); a dual password is noted, never read. */
  static void attributes(Account a, String json) {
    if (json == null || json.isBlank()) return;
    try {
      JsonNode n = JSON.readTree(json);
      JsonNode lock = n.get("Password_locking");
      if (lock != null) {
        a.failedLoginAttempts = lock.path("failed_login_attempts").asInt(0);
        a.passwordLockDays = lock.path("password_lock_time_days").asInt(0);
      }
      JsonNode meta = n.get("metadata");
      if (meta != null && meta.isObject() && meta.size() > 0) a.metadataJson = JSON.writeValueAsString(meta);
      a.hasSecondaryPassword = n.has("additional_password");
    } catch (java.io.IOException e) {
      // Unreadable attributes: the account is still copied, without them.
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
