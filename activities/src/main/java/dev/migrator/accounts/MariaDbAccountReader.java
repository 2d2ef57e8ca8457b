package dev.migrator.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * MariaDB 10.6+: accounts and roles from {@code mysql.global_priv} (one JSON document per account:
 * plugin and authentication_string, or several in {@code auth_or}; account_locked;
 * password_last_changed 0 = expired; password_lifetime -1 = default; limits; ssl_type 0-3;
 * is_role; default_role), grants and role grants from {@code SHOW GRANTS FOR}.
 */
public final class MariaDbAccountReader implements AccountReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] SSL_TYPES = {"", "ANY", "X509", "SPECIFIED"};
  private String where = "source";

  public MariaDbAccountReader where(String w) {
    where = w;
    return this;
  }

  @Override
  public Map<AccountName, Boolean> list(Connection c) throws SQLException {
    Map<AccountName, Boolean> out = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT User, Host, JSON_VALUE(Priv, '$.is_role') FROM mysql.global_priv");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(new AccountName(rs.getString(1), rs.getString(2)), "true".equals(rs.getString(3)) || "1".equals(rs.getString(3)));
    } catch (SQLException e) {
      if (!AccountReader.denied(e)) throw e;
      throw AccountReader.unreadable(where, "mysql.global_priv", e, "the accounts and their password hashes cannot be read");
    }
    return out;
  }

  @Override
  public Account read(Connection c, AccountName name, boolean role) throws SQLException {
    Account a = new Account(name);
    a.role = role;
    String priv;
    try (PreparedStatement ps = c.prepareStatement("SELECT Priv FROM mysql.global_priv WHERE User = ? AND Host = ?")) {
      ps.setString(1, name.user());
      ps.setString(2, name.host());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        priv = rs.getString(1);
      }
    } catch (SQLException e) {
      if (!AccountReader.denied(e)) throw e;
      throw AccountReader.unreadable(where, "mysql.global_priv", e, "the password hash and attributes of "
          + name.display() + " cannot be read");
    }
    JsonNode n;
    try {
      n = JSON.readTree(priv);
    } catch (java.io.IOException e) {
      throw new AccountsUnreadable(where + ": the mysql.global_priv entry of " + name.display() + " is not JSON");
    }
    a.role = role || n.path("is_role").asBoolean(false);
    if (!a.role) {
      JsonNode or = n.get("auth_or");
      if (or != null && or.isArray() && or.size() > 0) {
        for (JsonNode m : or) a.auth.add(method(m.size() == 0 ? n : m));
      } else {
        a.auth.add(method(n));
      }
    }
    a.locked = n.path("account_locked").asBoolean(false);
    a.passwordExpired = !a.role && n.has("password_last_changed") && n.path("password_last_changed").asLong(1) == 0;
    int life = n.path("password_lifetime").asInt(-1);
    a.passwordLifetime = life < 0 ? null : life;
    a.maxQueries = n.path("max_questions").asLong(0);
    a.maxUpdates = n.path("max_updates").asLong(0);
    a.maxConnections = n.path("max_connections").asLong(0);
    a.maxUserConnections = n.path("max_user_connections").asLong(0);
    double st = n.path("max_statement_time").asDouble(0);
    a.maxStatementTime = st == 0 ? null : String.valueOf(st);
    int ssl = n.path("ssl_type").asInt(0);
    a.sslType = ssl >= 0 && ssl < SSL_TYPES.length ? SSL_TYPES[ssl] : "";
    a.sslCipher = n.path("ssl_cipher").asText("");
    a.x509Issuer = n.path("x509_issuer").asText("");
    a.x509Subject = n.path("x509_subject").asText("");
    a.grants = AccountReader.showGrants(c, name, where);
    a.grants.defaultRoles.clear();
    String dr = n.path("default_role").asText("");
    if (!dr.isEmpty()) a.grants.defaultRoles.add(new AccountName(dr, ""));
    return a;
  }

  private static Account.AuthMethod method(JsonNode m) {
    String plugin = m.path("plugin").asText("mysql_native_password");
    String auth = m.path("authentication_string").asText("");
    return new Account.AuthMethod(plugin, auth.getBytes(StandardCharsets.UTF_8));
  }
}
