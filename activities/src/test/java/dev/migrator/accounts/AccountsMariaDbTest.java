package dev.migrator.accounts;

import dev.migrator.testkit.NoSecrets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.adapters.AccountsActivitiesImpl;
import dev.migrator.model.AccountChange;
import dev.migrator.model.AccountsInput;
import dev.migrator.model.AccountsOptions;
import dev.migrator.model.AccountsResult;
import dev.migrator.model.Endpoint;
import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.preflight.PreflightRunner;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalMySql;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Step 5 MariaDB 10.11 to MariaDB 10.11 on real servers: roles and default roles, global, schema,
 * table, column, routine and proxy grants, locked and expired accounts, limits (with
 * MAX_STATEMENT_TIME), REQUIRE SSL; logins with the original password; an account that exists
 * differently on the target is refused by preflight, then replaced (parked) and put back by the
 * undo; the sync applies a new password and a new account; unreadable hashes are a finding; and
 * MariaDB to MySQL 9.7 accounts with mysql_native_password are a preflight finding with the choice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AccountsMariaDbTest {
  static LocalMariaDb source;
  static LocalMariaDb target;
  static final AccountsActivitiesImpl activities = new AccountsActivitiesImpl(new Connector(new CredentialResolver()));
  static final NoSecrets secrets = new NoSecrets();
  static final String APP_PW = "maria-app-Secret-1";

  @BeforeAll
  static void start() {
    CompletableFuture<LocalMariaDb> s = CompletableFuture.supplyAsync(() -> LocalMariaDb.start("accm-src"));
    CompletableFuture<LocalMariaDb> t = CompletableFuture.supplyAsync(() -> LocalMariaDb.start("accm-dst"));
    source = s.join();
    target = t.join();
    for (LocalMariaDb db : List.of(source, target)) {
      db.sql("CREATE DATABASE shop", "CREATE TABLE shop.t (a INT, b INT)", "CREATE PROCEDURE shop.p() SELECT 1",
          "INSERT INTO mysql.proxies_priv (Host, User, Proxied_host, Proxied_user, With_grant, Grantor)"
              + " VALUES ('127.0.0.1', 'root', '', '', 1, 'root@localhost')", "FLUSH PRIVILEGES");
    }
    source.sql(
        "CREATE ROLE r_read", "GRANT SELECT ON shop.* TO r_read",
        "CREATE USER app@'%' IDENTIFIED BY '" + APP_PW + "' PASSWORD EXPIRE INTERVAL 60 DAY",
        "ALTER USER app@'%' WITH MAX_QUERIES_PER_HOUR 500 MAX_USER_CONNECTIONS 7 MAX_STATEMENT_TIME 2.5",
        "GRANT r_read TO app@'%' WITH ADMIN OPTION", "SET DEFAULT ROLE r_read FOR app@'%'",
        "GRANT SELECT (a), UPDATE (a, b) ON shop.t TO app@'%'", "GRANT INSERT ON shop.t TO app@'%' WITH GRANT OPTION",
        "GRANT EXECUTE ON PROCEDURE shop.p TO app@'%'", "GRANT PROCESS, BINLOG MONITOR ON *.* TO app@'%'",
        "GRANT ALL PRIVILEGES ON shop_all.* TO app@'%'",
        "CREATE USER boss@'%' IDENTIFIED BY 'maria-boss-Secret-2'",
        "GRANT SUPER, FILE, SHUTDOWN, READ_ONLY ADMIN ON *.* TO boss@'%'",
        "GRANT PROXY ON boss@'%' TO app@'%'",
        "CREATE USER tls@'%' IDENTIFIED BY 'maria-tls-Secret-3' REQUIRE SSL",
        "CREATE USER locked@'%' IDENTIFIED BY 'maria-locked-Secret-4' ACCOUNT LOCK",
        "CREATE USER expired@'%' IDENTIFIED BY 'maria-expired-Secret-5' PASSWORD EXPIRE",
        "CREATE USER shared@'%' IDENTIFIED BY 'maria-shared-source-Secret'", "GRANT INSERT ON shop.* TO shared@'%'");
    target.sql("CREATE USER shared@'%' IDENTIFIED BY 'maria-shared-target-Secret'", "GRANT SELECT ON shop.* TO shared@'%'",
        "CREATE USER keeper@'%' IDENTIFIED BY 'maria-keeper-Secret'");
    secrets.password(APP_PW).password("maria-boss-Secret-2").password("maria-tls-Secret-3")
        .password("maria-locked-Secret-4").password("maria-expired-Secret-5").password("maria-shared-source-Secret")
        .password("maria-shared-target-Secret").password("maria-keeper-Secret").password("maria-app-Secret-6")
        .password("maria-new-Secret-7").hashesOf(source, true).hashesOf(target, true);
  }

  @AfterAll
  static void stop() {
    if (source != null) source.close();
    if (target != null) target.close();
  }

  static AccountsInput input() {
    AccountsInput in = new AccountsInput();
    in.migrationId = "accm";
    in.source = new Endpoint(source.host(), source.port(), "root", source.rootPasswordRef());
    in.readFrom = in.source;
    in.target = new Endpoint(target.host(), target.port(), "root", target.rootPasswordRef());
    in.options = new AccountsOptions();
    in.options.mode = AccountsOptions.COPY_AND_SYNC;
    in.replicationUser = "migrator_repl";
    return in;
  }

  static MigrationRequest request(Endpoint src, Endpoint dst) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "accm";
    r.source = src;
    r.target = dst;
    r.schemas.add("shop_none");
    r.accounts.mode = AccountsOptions.COPY;
    return r;
  }

  static AccountChange change(AccountsResult r, String account) {
    return r.changes.stream().filter(c -> c.account.equals(account)).findFirst()
        .orElseThrow(() -> new AssertionError(account + " not in " + r.changes));
  }

  static Connection login(LocalMariaDb db, String user, String pw) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(null), user, pw);
  }

  static String one(Connection c, String sql) throws SQLException {
    try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static List<Finding> findings(PreflightReport r, String id) {
    return r.findings.stream().filter(f -> f.id.equals(id)).collect(Collectors.toList());
  }

  @Test
  @Order(1)
  void preflightRefusesAnAccountThatExistsDifferentlyAndWarnsOfStrippedGrants() {
    PreflightReport report = new PreflightRunner(new Connector(new CredentialResolver()))
        .run(request(input().source, input().target));
    secrets.assertClean("preflight report", report);
    List<Finding> exists = findings(report, "accounts-exist-different");
    assertEquals(1, exists.size(), report.findings.toString());
    assertEquals(Finding.BLOCKING, exists.get(0).severity);
    assertTrue(exists.get(0).protectsData);
    assertTrue(exists.get(0).evidence.contains("'shared'@'%'"), exists.get(0).evidence);
    assertTrue(exists.get(0).evidence.contains("(password, grants)"), exists.get(0).evidence);
    // root@127.0.0.1 holds everything on MariaDB: nothing stripped for a self-managed target.
    assertTrue(findings(report, "accounts-grants-stripped").isEmpty(), report.findings.toString());
    assertTrue(findings(report, "accounts-plan").get(0).evidence.contains("would create 6 account(s) (1 role(s))"),
        findings(report, "accounts-plan").toString());
  }

  @Test
  @Order(2)
  void copyCreatesEveryKindOfGrantAndReplacesTheExistingAccountWhenAsked() throws Exception {
    AccountsInput in = input();
    ApplicationFailure refused = assertThrows(ApplicationFailure.class, () -> activities.copyAccounts(in));
    assertTrue(refused.getOriginalMessage().contains("nothing was changed"), refused.getOriginalMessage());
    assertNull(target.query("SELECT 1 FROM mysql.global_priv WHERE User = 'app'"));
    in.options.existing = "replace";
    AccountsResult r = activities.copyAccounts(in);
    secrets.assertClean("copy", r);
    secrets.assertClean("input", in);
    assertEquals(6, r.created, r.changes.toString());
    assertEquals(1, r.replaced, r.changes.toString());
    try (Connection c = login(target, "app", APP_PW)) {
      assertEquals("r_read", one(c, "SELECT CURRENT_ROLE()"));
      one(c, "SELECT a FROM shop.t");
    }
    String g = String.join("\n", target.queryRows("SHOW GRANTS FOR app@'%'")).replaceAll("PASSWORD '[^']*'", "PASSWORD '?'");
    for (String want : List.of("GRANT `r_read` TO `app`@`%` WITH ADMIN OPTION",
        "GRANT PROCESS, BINLOG MONITOR ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '?' WITH MAX_QUERIES_PER_HOUR 500"
            + " MAX_USER_CONNECTIONS 7 MAX_STATEMENT_TIME 2.500000",
        "GRANT SELECT (`a`), INSERT, UPDATE (`a`, `b`) ON `shop`.`t` TO `app`@`%` WITH GRANT OPTION",
        "GRANT EXECUTE ON PROCEDURE `shop`.`p` TO `app`@`%`", "GRANT PROXY ON `boss`@`%` TO `app`@`%`",
        "SET DEFAULT ROLE `r_read` FOR `app`@`%`", "GRANT ALL PRIVILEGES ON `shop_all`.* TO `app`@`%`")) {
      assertTrue(g.contains(want), want + " in\n" + g);
    }
    assertTrue(String.join("\n", target.queryRows("SHOW GRANTS FOR boss@'%'"))
        .contains("SHUTDOWN, FILE, SUPER, READ_ONLY ADMIN ON *.*"));
    assertEquals("60", target.query("SELECT JSON_VALUE(Priv, '$.password_lifetime') FROM mysql.global_priv WHERE User = 'app'"));
    assertEquals("1", target.query("SELECT JSON_VALUE(Priv, '$.account_locked') FROM mysql.global_priv WHERE User = 'locked'"));
    assertEquals("0", target.query("SELECT JSON_VALUE(Priv, '$.password_last_changed') FROM mysql.global_priv WHERE User = 'expired'"));
    assertEquals("1", target.query("SELECT JSON_VALUE(Priv, '$.ssl_type') FROM mysql.global_priv WHERE User = 'tls'"));
    // The target's own shared@% is parked (locked, with its own password), the source's is there.
    try (Connection c = login(target, "shared", "maria-shared-source-Secret")) {
      one(c, "SELECT 1");
    }
    assertTrue(change(r, "'shared'@'%'").details.stream().anyMatch(d -> d.contains("parked as 'shared'@'migrator-parked-")));
    assertEquals(0, activities.copyAccounts(in).changedCount(), "idempotent");
  }

  @Test
  @Order(3)
  void theSyncAppliesANewPasswordAndANewAccount() throws Exception {
    source.sql("SET PASSWORD FOR app@'%' = PASSWORD('maria-app-Secret-6')", "CREATE USER newer@'%' IDENTIFIED BY 'maria-new-Secret-7'",
        "GRANT SELECT ON shop.t TO newer@'%'");
    secrets.hashesOf(source, true);
    AccountsInput in = input();
    in.options.existing = "replace";
    AccountsResult sync = activities.syncAccounts(in);
    secrets.assertClean("sync", sync);
    assertEquals("2 account(s) changed on the source since the copy: applied", sync.summary);
    try (Connection c = login(target, "app", "maria-app-Secret-6")) {
      assertEquals("r_read", one(c, "SELECT CURRENT_ROLE()"));
    }
    try (Connection c = login(target, "newer", "maria-new-Secret-7")) {
      one(c, "SELECT a FROM shop.t");
    }
  }

  @Test
  @Order(4)
  void theUndoDropsWhatItCreatedAndPutsTheReplacedAccountBack() throws Exception {
    AccountsInput in = input();
    List<String> notes = activities.dropCreatedAccounts(in);
    secrets.assertClean("undo", notes);
    assertTrue(notes.get(0).startsWith("dropped 7 account(s) this migration created"), notes.toString());
    assertEquals("put back 1 account(s) it had replaced, with their own password and grants: 'shared'@'%'", notes.get(1));
    try (Connection c = login(target, "shared", "maria-shared-target-Secret")) {
      assertTrue(String.join("\n", target.queryRows("SHOW GRANTS FOR shared@'%'")).contains("GRANT SELECT ON `shop`.*"));
    }
    assertEquals(List.of("keeper@%", "mariadb.sys@localhost", "root@%", "root@127.0.0.1", "root@::1", "root@localhost",
        "shared@%"), target.queryRows("SELECT CONCAT(User, '@', Host) FROM mysql.global_priv WHERE Host <> 'vm'"
            + " AND User <> '' ORDER BY 1").stream().filter(x -> !x.startsWith("root@") || x.matches("root@(%|127.0.0.1|::1|localhost)"))
            .toList());
    assertEquals(List.of(), activities.dropCreatedAccounts(in));
  }

  @Test
  @Order(5)
  void hashesThatCannotBeReadAreSaidExactly() throws Exception {
    source.sql("CREATE USER weak@'%' IDENTIFIED BY 'maria-weak-Secret'", "GRANT SELECT ON shop.* TO weak@'%'");
    Path pw = Files.createTempFile("weak", ".pw");
    Files.writeString(pw, "maria-weak-Secret");
    AccountsInput in = input();
    in.readFrom = new Endpoint(source.host(), source.port(), "weak", "file:" + pw);
    ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> activities.planAccounts(in));
    assertEquals("AccountsUnreadable", f.getType());
    assertTrue(f.getOriginalMessage().contains("cannot read mysql.global_priv (ERROR 1142)"), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("grant the migration account SELECT ON mysql.global_priv"), f.getOriginalMessage());
    PreflightReport report = new PreflightRunner(new Connector(new CredentialResolver()))
        .run(request(in.readFrom, in.target));
    assertEquals(Finding.BLOCKING, findings(report, "accounts-unreadable").get(0).severity, report.findings.toString());
    Files.delete(pw);
  }

  @Test
  @Order(6)
  void mariaDbAccountsWithNativePasswordsAreAFindingOntoMySql9() {
    org.junit.jupiter.api.Assumptions.assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(),
        MySqlServer.missingMessage());
    try (LocalMySql mysql = LocalMySql.start("accm-mysql")) {
      MigrationRequest r = request(input().source, mysql.endpoint());
      PreflightReport report = new PreflightRunner(new Connector(new CredentialResolver())).run(r);
      secrets.assertClean("preflight", report);
      Finding f = findings(report, "accounts-plugin-missing").get(0);
      assertEquals(Finding.BLOCKING, f.severity);
      assertTrue(f.evidence.contains("'app'@'%': its authentication plugin mysql_native_password is not available on the"
          + " target (MySQL 9."), f.evidence);
      assertTrue(f.advice.contains("exclude these accounts"), f.advice);
      // The role has no password: it can be created; READ_ONLY ADMIN has no MySQL equivalent, BINLOG MONITOR maps.
      AccountsInput in = input();
      in.target = mysql.endpoint();
      AccountsResult plan = activities.planAccounts(in);
      assertEquals(AccountChange.CREATE, change(plan, "'r_read'@'%'").action, plan.changes.toString());
      assertTrue(change(plan, "'boss'@'%'").action.equals(AccountChange.REFUSED));
      in.options.exclude = List.of("*@%");
      in.options.include = List.of("r_read");
      AccountsResult onlyRole = activities.copyAccounts(in);
      assertEquals(1, onlyRole.created, onlyRole.changes.toString());
      assertEquals("GRANT SELECT ON `shop`.* TO `r_read`@`%`",
          mysql.queryRows("SHOW GRANTS FOR r_read@'%'").get(1));
    }
  }
}
