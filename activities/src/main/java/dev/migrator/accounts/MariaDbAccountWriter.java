package dev.migrator.accounts;

import dev.migrator.accounts.Statements.Stmt;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * MariaDB 10.6+ statements: {@code CREATE USER 'u'@'h' IDENTIFIED VIA plugin USING 'hash' [OR ...]}
 * (MariaDB's stored strings are printable: '*HEX' for mysql_native_password, base64 for ed25519),
 * REQUIRE, WITH limits and MAX_STATEMENT_TIME, PASSWORD EXPIRE, ACCOUNT LOCK; CREATE ROLE for
 * roles; SET DEFAULT ROLE r FOR u.
 */
public final class MariaDbAccountWriter extends AccountWriter {
  @Override
  public List<Stmt> create(Account a) {
    if (a.role) return List.of(new Stmt("CREATE ROLE " + a.name.sql(), false, "create role " + a.name.display()));
    return withExpiry(a, new Stmt("CREATE USER " + a.name.sql() + identified(a) + options(a), true,
        "create account " + a.name.display()));
  }

  @Override
  public List<Stmt> alter(Account a, boolean withAuth) {
    if (a.role) return List.of();
    return withExpiry(a, new Stmt("ALTER USER " + a.name.sql() + (withAuth ? identified(a) : "") + options(a), withAuth,
        "alter " + a.name.display()));
  }

  private static String identified(Account a) {
    List<String> methods = new ArrayList<>();
    for (Account.AuthMethod m : a.auth) {
      String using = m.authString().length == 0 ? ""
          : " USING " + (m.printable() ? AccountName.quote(new String(m.authString(), StandardCharsets.US_ASCII)) : m.hexLiteral());
      methods.add(m.plugin() + using);
    }
    if (methods.isEmpty()) return "";
    return " IDENTIFIED VIA " + String.join(" OR ", methods);
  }

  private static String options(Account a) {
    String limits = limits(a);
    double st = Account.statementTime(a.maxStatementTime);
    limits += " MAX_STATEMENT_TIME " + (st == 0 ? "0" : a.maxStatementTime);
    return require(a) + limits + lifetime(a) + " ACCOUNT " + (a.locked ? "LOCK" : "UNLOCK");
  }

  @Override
  protected String roleSql(AccountName role) {
    return AccountName.quote(role.user());
  }

  @Override
  public List<Stmt> defaultRoles(Account a) {
    if (a.role) return List.of();
    String role = a.grants.defaultRoles.isEmpty() ? "NONE" : roleSql(a.grants.defaultRoles.iterator().next());
    return List.of(new Stmt("SET DEFAULT ROLE " + role + " FOR " + a.name.sql(), false, "default role of " + a.name.display()));
  }

  @Override
  public Stmt drop(AccountName n, boolean role) {
    return new Stmt((role ? "DROP ROLE IF EXISTS " + AccountName.quote(n.user()) : "DROP USER IF EXISTS " + n.sql()), false,
        "drop " + n.display());
  }
}
