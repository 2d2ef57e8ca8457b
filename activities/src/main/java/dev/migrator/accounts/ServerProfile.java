package dev.migrator.accounts;

import dev.migrator.accounts.GrantSet.Atom;
import dev.migrator.accounts.GrantSet.Scope;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.ServerInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one server offers the accounts step: its engine and version, kind (self-managed, RDS,
 * Aurora: from the endpoint flavor), the privileges it has (SHOW PRIVILEGES, with their spelling),
 * its active authentication plugins, and the connected account's own grants (what it can pass on).
 */
public final class ServerProfile {
  public enum Kind {
    SELF_MANAGED,
    RDS,
    AURORA;

    public static Kind of(String flavor) {
      return "aurora-mysql".equals(flavor) ? AURORA : "rds-mysql".equals(flavor) ? RDS : SELF_MANAGED;
    }

    public boolean rdsFamily() {
      return this != SELF_MANAGED;
    }
  }

  public final String role;
  public final String address;
  public final ServerInfo info;
  public final Kind kind;
  /** Privilege key (GrantSet.Atom.key) -> the server's spelling, upper case. */
  public final Map<String, String> privileges;
  public final Set<String> authPlugins;
  public final AccountName currentUser;
  public final GrantSet own;
  public final boolean partialRevokes;

  ServerProfile(String role, String address, ServerInfo info, Kind kind, Map<String, String> privileges,
      Set<String> authPlugins, AccountName currentUser, GrantSet own, boolean partialRevokes) {
    this.role = role;
    this.address = address;
    this.info = info;
    this.kind = kind;
    this.privileges = privileges;
    this.authPlugins = authPlugins;
    this.currentUser = currentUser;
    this.own = own;
    this.partialRevokes = partialRevokes;
  }

  public static ServerProfile read(String role, String address, Connection c, String flavor) throws SQLException {
    ServerInfo info = ServerInfo.of(c);
    Map<String, String> privs = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW PRIVILEGES")) {
      while (rs.next()) {
        String p = rs.getString(1).trim().toUpperCase(Locale.ROOT);
        privs.put(Atom.key(p), p);
      }
    }
    Set<String> plugins = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (Map<String, String> row : Jdbc.rows(c, "SELECT PLUGIN_NAME FROM information_schema.PLUGINS"
        + " WHERE PLUGIN_TYPE = 'AUTHENTICATION' AND PLUGIN_STATUS = 'ACTIVE'")) {
      plugins.add(row.get("PLUGIN_NAME"));
    }
    String cu = Jdbc.scalar(c, "SELECT CURRENT_USER()");
    int at = cu.lastIndexOf('@');
    AccountName me = at < 0 ? new AccountName(cu, "") : new AccountName(cu.substring(0, at), cu.substring(at + 1));
    List<String> lines = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
      while (rs.next()) lines.add(rs.getString(1));
    }
    GrantSet own = GrantParser.parse(me, lines);
    String pr = info.mariadb() ? null : Jdbc.variable(c, "partial_revokes");
    return new ServerProfile(role, address, info, Kind.of(flavor), privs, plugins, me, own,
        "ON".equalsIgnoreCase(pr) || "1".equals(pr));
  }

  public boolean mariadb() {
    return info.mariadb();
  }

  public boolean has(String key) {
    return privileges.containsKey(key);
  }

  public String spelling(String key) {
    return privileges.getOrDefault(key, key);
  }

  /** Every privilege but USAGE, PROXY and GRANT OPTION: what global ALL PRIVILEGES means here. */
  public List<String> allPrivilegeKeys() {
    List<String> out = new ArrayList<>();
    for (String k : privileges.keySet()) {
      if (!k.equals("USAGE") && !k.equals("PROXY") && !k.equals("GRANT OPTION")) out.add(k);
    }
    return out;
  }

  /** Whether the connected account may grant this privilege at this scope (holds it WITH GRANT OPTION there or above). */
  public boolean canGrant(String key, Scope scope) {
    for (Atom a : own.atoms) {
      if (!a.grantable() || a.column() != null) continue;
      boolean covers = a.key().equals(key) || a.key().equals("ALL PRIVILEGES");
      if (!covers) continue;
      Scope s = a.scope();
      if (s.kind() == GrantSet.Kind.GLOBAL) return true;
      if (scope.kind() == GrantSet.Kind.GLOBAL) continue;
      if (s.kind() == GrantSet.Kind.DATABASE && s.db().equalsIgnoreCase(scope.db())) return true;
      if (s.equals(scope)) return true;
    }
    return false;
  }

  /** GRANT PROXY needs PROXY ON ''@'' (or ''@'%', or the proxied account) WITH GRANT OPTION. */
  public boolean canGrantProxy(AccountName proxied) {
    for (GrantSet.Proxy p : own.proxies) {
      if (!p.grantable()) continue;
      AccountName n = p.proxied();
      if (n.user().isEmpty() && (n.host().isEmpty() || n.host().equals("%"))) return true;
      if (n.equals(proxied)) return true;
    }
    return false;
  }

  /** "MySQL 9.7.4" / "MariaDB 10.11.11", and "(Aurora)"/"(RDS)". */
  public String describe() {
    String v = info.version();
    int dash = v.indexOf('-');
    String base = (info.mariadb() ? "MariaDB " : "MySQL ") + (dash > 0 && !info.mariadb() ? v.substring(0, dash) : v.replaceAll("-MariaDB.*", ""));
    return base + (kind == Kind.AURORA ? " (Aurora MySQL)" : kind == Kind.RDS ? " (RDS for MySQL)" : "");
  }

  public String where() {
    return role + " " + address;
  }
}
