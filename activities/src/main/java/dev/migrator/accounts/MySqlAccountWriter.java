package dev.migrator.accounts;

import dev.migrator.accounts.Statements.Stmt;
import java.util.ArrayList;
import java.util.List;

/**
 * MySQL 8.0+ statements: {@code CREATE USER 'u'@'h' IDENTIFIED WITH 'plugin' AS 0x<hash>} (the
 * stored hash as a hex literal, as {@code SHOW CREATE USER} prints it with
 * print_identified_with_as_hex: caching_sha2_password hashes hold arbitrary bytes), REQUIRE, WITH
 * limits, password options, ACCOUNT LOCK/UNLOCK, ATTRIBUTE; roles are accounts created the way
 * CREATE ROLE makes them (locked, expired, no password).
 */
public final class MySqlAccountWriter extends AccountWriter {
  @Override
  public List<Stmt> create(Account a) {
    return withExpiry(a, new Stmt("CREATE USER " + a.name.sql() + identified(a) + options(a), true,
        "create " + (a.role ? "role " : "account ") + a.name.display()));
  }

  @Override
  public List<Stmt> alter(Account a, boolean withAuth) {
    return withExpiry(a, new Stmt("ALTER USER " + a.name.sql() + (withAuth ? identified(a) : "") + options(a), withAuth,
        "alter " + a.name.display()));
  }

  private static String identified(Account a) {
    Account.AuthMethod m = a.primaryAuth();
    return " IDENTIFIED WITH " + AccountName.quote(m.plugin()) + " AS " + m.hexLiteral();
  }

  private static String options(Account a) {
    StringBuilder b = new StringBuilder();
    b.append(require(a)).append(limits(a)).append(lifetime(a));
    b.append(" PASSWORD HISTORY ").append(a.passwordHistory == null ? "DEFAULT" : a.passwordHistory);
    b.append(" PASSWORD REUSE INTERVAL ").append(a.passwordReuseDays == null ? "DEFAULT" : a.passwordReuseDays + " DAY");
    b.append(" PASSWORD REQUIRE CURRENT").append(a.passwordRequireCurrent == null ? " DEFAULT"
        : a.passwordRequireCurrent ? "" : " OPTIONAL");
    b.append(" FAILED_LOGIN_ATTEMPTS ").append(a.failedLoginAttempts);
    b.append(" PASSWORD_LOCK_TIME ").append(a.passwordLockDays < 0 ? "UNBOUNDED" : String.valueOf(a.passwordLockDays));
    b.append(" ACCOUNT ").append(a.locked ? "LOCK" : "UNLOCK");
    if (a.metadataJson != null) b.append(" ATTRIBUTE ").append(AccountName.quote(a.metadataJson));
    return b.toString();
  }

  @Override
  protected String roleSql(AccountName role) {
    return role.hostless() ? new AccountName(role.user(), "%").sql() : role.sql();
  }

  @Override
  public List<Stmt> defaultRoles(Account a) {
    List<String> roles = new ArrayList<>();
    for (AccountName r : a.grants.defaultRoles) roles.add(roleSql(r));
    return List.of(new Stmt("SET DEFAULT ROLE " + (roles.isEmpty() ? "NONE" : String.join(", ", roles)) + " TO "
        + a.name.sql(), false, "default roles of " + a.name.display()));
  }

  @Override
  public Stmt drop(AccountName n, boolean role) {
    return new Stmt("DROP USER IF EXISTS " + n.sql(), false, "drop " + n.display());
  }
}
