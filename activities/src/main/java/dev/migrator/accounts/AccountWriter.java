package dev.migrator.accounts;

import dev.migrator.accounts.GrantSet.Atom;
import dev.migrator.accounts.GrantSet.Scope;
import dev.migrator.accounts.Statements.Stmt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The statements that make an account on one engine. Pure: builds SQL from an {@link Account} (in
 * the target's names and spellings, see {@link GrantMapper}), runs nothing. Statements that carry
 * a hash are marked secret.
 */
public abstract class AccountWriter {
  public static AccountWriter of(ServerProfile target) {
    return target.mariadb() ? new MariaDbAccountWriter() : new MySqlAccountWriter();
  }

  /** CREATE USER / CREATE ROLE with authentication and attributes, then PASSWORD EXPIRE if expired. */
  public abstract List<Stmt> create(Account a);

  /** ALTER USER to the account's authentication (when {@code withAuth}) and attributes, then PASSWORD EXPIRE if expired. */
  public abstract List<Stmt> alter(Account a, boolean withAuth);

  /**
   * {@code main}, then PASSWORD EXPIRE when the account's password is expired: setting a password
   * clears the flag (and CREATE ROLE accounts are expired too), so it is set again afterwards.
   */
  protected static List<Stmt> withExpiry(Account a, Stmt main) {
    List<Stmt> out = new ArrayList<>();
    out.add(main);
    if (a.passwordExpired) out.add(new Stmt("ALTER USER " + a.name.sql() + " PASSWORD EXPIRE", false, "expire " + a.name.display()));
    return out;
  }

  /** The role name as GRANT role TO takes it. */
  protected abstract String roleSql(AccountName role);

  public abstract List<Stmt> defaultRoles(Account a);

  public abstract Stmt drop(AccountName n, boolean role);

  public Stmt rename(AccountName from, AccountName to) {
    return new Stmt("RENAME USER " + from.sql() + " TO " + to.sql(), false, "rename " + from.display());
  }

  public Stmt lock(AccountName n, boolean lock) {
    return new Stmt("ALTER USER " + n.sql() + " ACCOUNT " + (lock ? "LOCK" : "UNLOCK"), false, "lock " + n.display());
  }

  /**
   * GRANT statements for the account's privileges at the scopes {@code present} accepts (objects
   * that exist on the target), proxy grants, role grants, then partial revokes.
   */
  public List<Stmt> grants(Account a, Predicate<Scope> present) {
    List<Stmt> out = new ArrayList<>();
    String to = " TO " + a.name.sql();
    Map<String, List<Atom>> groups = new LinkedHashMap<>();
    for (Atom at : a.grants.atoms) {
      if (!present.test(at.scope())) continue;
      groups.computeIfAbsent(at.scope().sql() + "|" + at.grantable(), k -> new ArrayList<>()).add(at);
    }
    for (List<Atom> group : groups.values()) out.add(grantStatement(group, to));
    for (GrantSet.Proxy p : a.grants.proxies) {
      out.add(new Stmt("GRANT PROXY ON " + p.proxied().sql() + to + (p.grantable() ? " WITH GRANT OPTION" : ""), false,
          "grant proxy to " + a.name.display()));
    }
    List<String> plain = new ArrayList<>();
    List<String> admin = new ArrayList<>();
    for (GrantSet.RoleGrant r : a.grants.roles) (r.admin() ? admin : plain).add(roleSql(r.role()));
    if (!plain.isEmpty()) out.add(new Stmt("GRANT " + String.join(", ", plain) + to, false, "grant roles"));
    if (!admin.isEmpty()) out.add(new Stmt("GRANT " + String.join(", ", admin) + to + " WITH ADMIN OPTION", false, "grant roles"));
    for (Atom r : a.grants.revokes) {
      out.add(new Stmt("REVOKE " + r.privilege() + " ON " + r.scope().sql() + " FROM " + a.name.sql(), false, "partial revoke"));
    }
    return out;
  }

  /** Statements that take every privilege, proxy grant and role the account has now ({@code actual}) away. */
  public List<Stmt> revokeAll(Account actual) {
    List<Stmt> out = new ArrayList<>();
    String from = " FROM " + actual.name.sql();
    if (!actual.grants.atoms.isEmpty() || !actual.grants.revokes.isEmpty()) {
      out.add(new Stmt("REVOKE ALL PRIVILEGES, GRANT OPTION" + from, false, "revoke privileges of " + actual.name.display()));
    }
    for (GrantSet.Proxy p : actual.grants.proxies) {
      out.add(new Stmt("REVOKE PROXY ON " + p.proxied().sql() + from, false, "revoke proxy"));
    }
    for (GrantSet.RoleGrant r : actual.grants.roles) {
      out.add(new Stmt("REVOKE " + roleSql(r.role()) + from, false, "revoke role"));
    }
    return out;
  }

  private static Stmt grantStatement(List<Atom> group, String to) {
    Scope scope = group.get(0).scope();
    boolean grantable = group.get(0).grantable();
    Map<String, List<String>> columns = new LinkedHashMap<>();
    List<String> plain = new ArrayList<>();
    for (Atom a : group) {
      if (a.key().equals("USAGE")) continue;
      if (a.column() == null) {
        if (!plain.contains(a.privilege())) plain.add(a.privilege());
      } else {
        columns.computeIfAbsent(a.privilege(), k -> new ArrayList<>()).add(GrantSet.ident(a.column()));
      }
    }
    List<String> items = new ArrayList<>(plain);
    columns.forEach((p, cols) -> items.add(p + " (" + String.join(", ", cols) + ")"));
    if (items.isEmpty()) items.add("USAGE");
    return new Stmt("GRANT " + String.join(", ", items) + " ON " + scope.sql() + to + (grantable ? " WITH GRANT OPTION" : ""),
        false, "grant on " + scope.sql());
  }

  /** REQUIRE clause. */
  protected static String require(Account a) {
    switch (a.sslType == null ? "" : a.sslType.toUpperCase()) {
      case "ANY":
        return " REQUIRE SSL";
      case "X509":
        return " REQUIRE X509";
      case "SPECIFIED": {
        List<String> parts = new ArrayList<>();
        if (!a.sslCipher.isEmpty()) parts.add("CIPHER " + AccountName.quote(a.sslCipher));
        if (!a.x509Issuer.isEmpty()) parts.add("ISSUER " + AccountName.quote(a.x509Issuer));
        if (!a.x509Subject.isEmpty()) parts.add("SUBJECT " + AccountName.quote(a.x509Subject));
        return parts.isEmpty() ? " REQUIRE NONE" : " REQUIRE " + String.join(" AND ", parts);
      }
      default:
        return " REQUIRE NONE";
    }
  }

  /** WITH resource limits (always all four: ALTER must be able to set them back to 0). */
  protected static String limits(Account a) {
    return " WITH MAX_QUERIES_PER_HOUR " + a.maxQueries + " MAX_UPDATES_PER_HOUR " + a.maxUpdates
        + " MAX_CONNECTIONS_PER_HOUR " + a.maxConnections + " MAX_USER_CONNECTIONS " + a.maxUserConnections;
  }

  protected static String lifetime(Account a) {
    if (a.passwordLifetime == null) return " PASSWORD EXPIRE DEFAULT";
    if (a.passwordLifetime == 0) return " PASSWORD EXPIRE NEVER";
    return " PASSWORD EXPIRE INTERVAL " + a.passwordLifetime + " DAY";
  }
}
