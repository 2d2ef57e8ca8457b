package dev.migrator.accounts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every grant of one account as sets of small values (no passwords: the IDENTIFIED part of a
 * MariaDB SHOW GRANTS line is dropped by the parser): privileges per scope (one atom per privilege,
 * column and grant option), proxy grants, role grants, partial revokes, default roles.
 */
public final class GrantSet {
  /** Where a privilege applies. {@code db} and {@code name} as the server prints them (unquoted). */
  public enum Kind {
    GLOBAL,
    DATABASE,
    TABLE,
    PROCEDURE,
    FUNCTION
  }

  public record Scope(Kind kind, String db, String name) implements Comparable<Scope> {
    public static final Scope GLOBAL = new Scope(Kind.GLOBAL, null, null);

    public String sql() {
      return switch (kind) {
        case GLOBAL -> "*.*";
        case DATABASE -> ident(db) + ".*";
        case TABLE -> ident(db) + "." + ident(name);
        case PROCEDURE -> "PROCEDURE " + ident(db) + "." + ident(name);
        case FUNCTION -> "FUNCTION " + ident(db) + "." + ident(name);
      };
    }

    /** On the mysql system schema (or a table or routine in it). */
    public boolean systemSchema() {
      return kind != Kind.GLOBAL && db != null && db.equalsIgnoreCase("mysql");
    }

    @Override
    public int compareTo(Scope o) {
      return sql().compareTo(o.sql());
    }
  }

  /**
   * One privilege at one scope (column for column privileges), with or without the grant option.
   * {@code privilege} is the server's spelling, upper case; {@link #key} compares spellings of
   * MySQL ({@code REPLICATION_SLAVE_ADMIN}) and MariaDB ({@code REPLICATION SLAVE ADMIN}).
   */
  public record Atom(String privilege, Scope scope, String column, boolean grantable) implements Comparable<Atom> {
    public String key() {
      return key(privilege);
    }

    public static String key(String privilege) {
      String n = privilege.trim().toUpperCase(Locale.ROOT).replace('_', ' ').replaceAll("\\s+", " ");
      return n.equals("ALL") ? "ALL PRIVILEGES" : n;
    }

    public Atom withPrivilege(String p) {
      return new Atom(p, scope, column, grantable);
    }

    /** "SELECT (a) ON `shop`.`t`" — how results name it. */
    public String display() {
      return privilege + (column == null ? "" : " (" + column + ")") + " ON " + scope.sql()
          + (grantable ? " WITH GRANT OPTION" : "");
    }

    String compareKey() {
      return key() + "|" + scope.sql() + "|" + (column == null ? "" : column.toLowerCase(Locale.ROOT)) + "|" + grantable;
    }

    @Override
    public int compareTo(Atom o) {
      return compareKey().compareTo(o.compareKey());
    }
  }

  public record Proxy(AccountName proxied, boolean grantable) implements Comparable<Proxy> {
    @Override
    public int compareTo(Proxy o) {
      int c = proxied.compareTo(o.proxied);
      return c != 0 ? c : Boolean.compare(grantable, o.grantable);
    }
  }

  public record RoleGrant(AccountName role, boolean admin) implements Comparable<RoleGrant> {
    @Override
    public int compareTo(RoleGrant o) {
      int c = role.compareTo(o.role);
      return c != 0 ? c : Boolean.compare(admin, o.admin);
    }
  }

  public final Set<Atom> atoms = new TreeSet<>();
  public final Set<Proxy> proxies = new TreeSet<>();
  public final Set<RoleGrant> roles = new TreeSet<>();
  /** MySQL partial revokes ({@code REVOKE INSERT ON mysql.* FROM u} with partial_revokes=ON). */
  public final Set<Atom> revokes = new TreeSet<>();
  /** Default roles, in the order the server lists them. */
  public final Set<AccountName> defaultRoles = new LinkedHashSet<>();

  /** The atoms of one scope, for GRANT statements. */
  public List<Atom> atoms(Scope scope) {
    List<Atom> out = new ArrayList<>();
    for (Atom a : atoms) if (a.scope().equals(scope)) out.add(a);
    return out;
  }

  public Set<Scope> scopes() {
    Set<Scope> out = new TreeSet<>();
    for (Atom a : atoms) out.add(a.scope());
    return out;
  }

  public int size() {
    return atoms.size() + proxies.size() + roles.size() + revokes.size();
  }

  /**
   * What ALL PRIVILEGES means at a schema, table or routine scope (both engines; a server has the
   * ones it lists in SHOW PRIVILEGES, e.g. DELETE HISTORY only on MariaDB).
   */
  public static List<String> levelKeys(Kind kind) {
    return switch (kind) {
      case DATABASE -> List.of("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "REFERENCES", "INDEX", "ALTER",
          "CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE", "CREATE VIEW", "SHOW VIEW", "CREATE ROUTINE",
          "ALTER ROUTINE", "EVENT", "TRIGGER", "DELETE HISTORY", "SHOW CREATE ROUTINE");
      case TABLE -> List.of("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "REFERENCES", "INDEX", "ALTER",
          "CREATE VIEW", "SHOW VIEW", "TRIGGER", "DELETE HISTORY");
      case PROCEDURE, FUNCTION -> List.of("EXECUTE", "ALTER ROUTINE");
      case GLOBAL -> List.of();
    };
  }

  static String ident(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
