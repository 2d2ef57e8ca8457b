package dev.migrator.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.adapters.AccountsActivitiesImpl;
import dev.migrator.model.AccountChange;
import dev.migrator.model.AccountsInput;
import dev.migrator.model.AccountsOptions;
import dev.migrator.model.AccountsResult;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.AuroraLikeMySql;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import dev.migrator.testkit.NoSecrets;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Step 5 on real MySQL 9.7 servers: a source with every kind of account and grant, copied to an
 * Aurora-like MySQL 9.7 (admin user without SUPER: restricted grants stripped and reported) and to
 * a self-managed MySQL 9.7 (everything copied); applications log in to the targets with their
 * original passwords; accounts changed and created on the source afterwards are found and applied
 * by the sync (pending while the target is read-only); the undo drops exactly what was created;
 * nothing that would go into workflow history holds a hash or a password.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AccountsMySqlTest {
  static LocalMySql source;
  static AuroraLikeMySql aurora;
  static LocalMySql mysql;
  static final AccountsActivitiesImpl activities = new AccountsActivitiesImpl(new Connector(new CredentialResolver()));
  static final NoSecrets secrets = new NoSecrets();
  static final String APP_PW = "app-Secret-1";
  static final String APP_PW_2 = "app-Secret-2";
  static final String NEWBIE_PW = "newbie-Secret-3";

  @BeforeAll
  static void start() {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
    CompletableFuture<LocalMySql> s = CompletableFuture.supplyAsync(() -> LocalMySql.start("acc-src"));
    CompletableFuture<AuroraLikeMySql> a = CompletableFuture.supplyAsync(() -> AuroraLikeMySql.start("acc-aurora"));
    CompletableFuture<LocalMySql> m = CompletableFuture.supplyAsync(() -> LocalMySql.start("acc-mysql"));
    source = s.join();
    aurora = a.join();
    mysql = m.join();
    String objects = "CREATE DATABASE shop; CREATE TABLE shop.t (a INT, b INT); CREATE PROCEDURE shop.p() SELECT 1;"
        + " CREATE FUNCTION shop.f() RETURNS INT DETERMINISTIC RETURN 1";
    source.sql(objects.split("; "));
    source.sql(
        // The harness's root may grant PROXY (as root@localhost may on a fresh server).
        "INSERT INTO mysql.proxies_priv (Host, User, Proxied_host, Proxied_user, With_grant, Grantor)"
            + " VALUES ('127.0.0.1', 'root', '', '', 1, 'root@localhost')",
        "FLUSH PRIVILEGES",
        "CREATE ROLE r_read, r_write",
        "GRANT SELECT ON shop.* TO r_read",
        "GRANT INSERT, UPDATE ON shop.* TO r_write",
        "CREATE USER app@'%' IDENTIFIED BY '" + APP_PW + "' WITH MAX_QUERIES_PER_HOUR 1000 MAX_USER_CONNECTIONS 20"
            + " PASSWORD EXPIRE INTERVAL 90 DAY FAILED_LOGIN_ATTEMPTS 5 PASSWORD_LOCK_TIME 1 COMMENT 'the shop'",
        "GRANT r_read TO app@'%'",
        "GRANT r_write TO app@'%' WITH ADMIN OPTION",
        "SET DEFAULT ROLE r_read TO app@'%'",
        "GRANT SELECT (a), UPDATE (a, b) ON shop.t TO app@'%'",
        "GRANT INSERT, DELETE ON shop.t TO app@'%' WITH GRANT OPTION",
        "GRANT EXECUTE ON PROCEDURE shop.p TO app@'%'",
        "GRANT EXECUTE ON FUNCTION shop.f TO app@'%'",
        "GRANT CREATE TEMPORARY TABLES, LOCK TABLES ON shop.* TO app@'%'",
        "GRANT ALL PRIVILEGES ON shop_all.* TO app@'%'",
        "GRANT PROCESS, XA_RECOVER_ADMIN ON *.* TO app@'%'",
        "CREATE TABLE shop.later (id INT)",
        "GRANT SELECT ON shop.later TO app@'%'",
        "CREATE USER boss@'%' IDENTIFIED BY 'boss-Secret-4'",
        "GRANT SUPER, FILE, SHUTDOWN, PROCESS ON *.* TO boss@'%'",
        "GRANT BACKUP_ADMIN, SYSTEM_VARIABLES_ADMIN ON *.* TO boss@'%'",
        "GRANT INSERT, SELECT ON mysql.* TO boss@'%'",
        "GRANT PROXY ON boss@'%' TO app@'%'",
        "CREATE USER tls@'%' IDENTIFIED BY 'tls-Secret-5' REQUIRE SSL",
        "CREATE USER x509@'10.0.0.%' IDENTIFIED BY 'x509-Secret-6' REQUIRE SUBJECT '/CN=app' AND ISSUER '/CN=ca'",
        "CREATE USER locked@'%' IDENTIFIED BY 'locked-Secret-7' ACCOUNT LOCK",
        "CREATE USER expired@'%' IDENTIFIED BY 'expired-Secret-8' PASSWORD EXPIRE",
        "CREATE USER nopw@'localhost'",
        "CREATE USER migrator_repl@'%' IDENTIFIED BY 'repl-Secret-9'");
    // The targets have the schema already (the schema step), except shop.later: its grant is deferred.
    for (LocalMySql t : List.of(aurora, mysql)) t.sql(objects.split("; "));
    mysql.sql("INSERT INTO mysql.proxies_priv (Host, User, Proxied_host, Proxied_user, With_grant, Grantor)"
        + " VALUES ('127.0.0.1', 'root', '', '', 1, 'root@localhost')", "FLUSH PRIVILEGES");
    // Accounts the targets had before: never touched.
    aurora.sql("CREATE USER keeper@'%' IDENTIFIED BY 'keeper-Secret-10'", "GRANT SELECT ON shop.* TO keeper@'%'");
    secrets.password(APP_PW).password(APP_PW_2).password(NEWBIE_PW).password("boss-Secret-4").password("tls-Secret-5")
        .password("x509-Secret-6").password("locked-Secret-7").password("expired-Secret-8").password("repl-Secret-9")
        .hashesOf(source, false);
  }

  @AfterAll
  static void stop() {
    for (LocalServer s : new LocalServer[] {source, aurora, mysql}) if (s != null) s.close();
  }

  static AccountsInput input(LocalServer target, String migrationId) {
    AccountsInput in = new AccountsInput();
    in.migrationId = migrationId;
    in.source = source.endpoint();
    in.readFrom = source.endpoint();
    in.target = target.endpoint();
    if (target instanceof AuroraLikeMySql a) in.target.tlsCaFile = null;
    in.options = new AccountsOptions();
    in.options.mode = AccountsOptions.COPY_AND_SYNC;
    in.replicationUser = "migrator_repl";
    return in;
  }

  static AccountChange change(AccountsResult r, String account) {
    return r.changes.stream().filter(c -> c.account.equals(account)).findFirst()
        .orElseThrow(() -> new AssertionError(account + " not in " + r.changes));
  }

  static Connection login(LocalServer db, String user, String pw) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(null), user, pw);
  }

  static String one(Connection c, String sql) throws SQLException {
    try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Test
  @Order(1)
  void planOntoAuroraListsWhatWillBeCreatedStrippedAndLeftOut() {
    AccountsInput in = input(aurora, "acc-aurora");
    AccountsResult plan = activities.planAccounts(in);
    secrets.assertClean("plan input", in);
    secrets.assertClean("plan result", plan);
    assertFalse(plan.applied);
    assertEquals(AccountChange.CREATE, change(plan, "'r_read'@'%'").action);
    assertTrue(change(plan, "'r_read'@'%'").role);
    assertEquals(AccountChange.CREATE, change(plan, "'app'@'%'").action);
    // Left out by default: system accounts, the server's own root, the replication and migration accounts.
    String excluded = String.join("\n", plan.excluded);
    assertTrue(excluded.contains("'mysql.sys'@'localhost': MySQL system account"), excluded);
    assertTrue(excluded.contains("'root'@'127.0.0.1'"), excluded);
    assertTrue(excluded.contains("'migrator_repl'@'%': the replication account"), excluded);
    assertTrue(plan.changes.stream().noneMatch(c -> c.account.startsWith("'root'")), plan.changes.toString());
    String boss = String.join("\n", change(plan, "'boss'@'%'").stripped);
    for (String p : List.of("SUPER ON *.*", "FILE ON *.*", "SHUTDOWN ON *.*", "BACKUP_ADMIN ON *.*", "SYSTEM_VARIABLES_ADMIN ON *.*")) {
      assertTrue(boss.contains(p + ": RDS/Aurora keep it for rdsadmin"), boss);
    }
    assertTrue(boss.contains("INSERT ON `mysql`.*: the mysql system schema is RDS's"), boss);
    assertTrue(boss.contains("SELECT ON `mysql`.*: the mysql system schema is RDS's"), boss);
    assertTrue(String.join("\n", change(plan, "'app'@'%'").stripped).contains("PROXY ON 'boss'@'%': the target's migration"
        + " account 'admin'@'%' may not grant proxy privileges"), change(plan, "'app'@'%'").stripped.toString());
    assertEquals(List.of("SELECT ON `shop`.`later`"), change(plan, "'app'@'%'").deferred);
    assertTrue(plan.summary.startsWith("would create "), plan.summary);
  }

  @Test
  @Order(2)
  void copyOntoAuroraCreatesAccountsThatLogInWithTheirOriginalPasswords() throws Exception {
    AccountsInput in = input(aurora, "acc-aurora");
    AccountsResult r = activities.copyAccounts(in);
    secrets.assertClean("copy result", r);
    assertTrue(r.applied);
    assertEquals(0, r.refused, r.changes.toString());
    assertTrue(r.notes.stream().anyMatch(n -> n.contains("binary-logged")), r.notes.toString());
    assertTrue(r.warnings.stream().anyMatch(w -> w.contains("'boss'@'%': grant SUPER ON *.*")), r.warnings.toString());
    System.out.println("status after copy:\n" + String.join("\n", r.statusLines()));
    assertTrue(r.statusLines().contains("  created role 'r_read'@'%'"), r.statusLines().toString());
    assertTrue(r.statusLines().stream().anyMatch(l -> l.startsWith("    stripped SUPER ON *.*: RDS/Aurora keep it")));

    try (Connection c = login(aurora, "app", APP_PW)) {
      assertEquals("`r_read`@`%`", one(c, "SELECT CURRENT_ROLE()"));
      assertEquals("1", one(c, "SELECT COUNT(*) FROM shop.t WHERE 1 = 0") == null ? null : "1");
    }
    List<String> grants = aurora.queryRows("SHOW GRANTS FOR app@'%'");
    String g = String.join("\n", grants);
    assertTrue(g.contains("GRANT PROCESS ON *.* TO `app`@`%`"), g);
    assertTrue(g.contains("GRANT XA_RECOVER_ADMIN ON *.* TO `app`@`%`"), g);
    assertTrue(g.contains("GRANT CREATE TEMPORARY TABLES, LOCK TABLES ON `shop`.* TO `app`@`%`"), g);
    assertTrue(g.contains("GRANT SELECT (`a`), INSERT, UPDATE (`a`, `b`), DELETE ON `shop`.`t` TO `app`@`%` WITH GRANT OPTION")
        || g.contains("ON `shop`.`t` TO `app`@`%` WITH GRANT OPTION"), g);
    assertTrue(g.contains("GRANT EXECUTE ON PROCEDURE `shop`.`p` TO `app`@`%`"), g);
    assertTrue(g.contains("GRANT ALL PRIVILEGES ON `shop_all`.* TO `app`@`%`"), g);
    assertTrue(g.contains("GRANT EXECUTE ON FUNCTION `shop`.`f` TO `app`@`%`"), g);
    assertTrue(g.contains("GRANT `r_read`@`%` TO `app`@`%`"), g);
    assertTrue(g.contains("GRANT `r_write`@`%` TO `app`@`%` WITH ADMIN OPTION"), g);
    assertEquals("1000\t20\t90\tY", aurora.query("SELECT CONCAT_WS('\t', max_questions, max_user_connections,"
        + " password_lifetime, 'Y') FROM mysql.user WHERE user = 'app'"));
    assertTrue(aurora.query("SELECT User_attributes FROM mysql.user WHERE user = 'app'").contains("the shop"));
    assertEquals("Y\tY", aurora.query("SELECT CONCAT(account_locked, '\t', password_expired) FROM mysql.user WHERE user = 'r_read'"));
    assertEquals("Y", aurora.query("SELECT account_locked FROM mysql.user WHERE user = 'locked'"));
    assertEquals("Y", aurora.query("SELECT password_expired FROM mysql.user WHERE user = 'expired'"));
    assertEquals("ANY", aurora.query("SELECT ssl_type FROM mysql.user WHERE user = 'tls'"));
    assertEquals("SPECIFIED\t/CN=ca\t/CN=app", aurora.query("SELECT CONCAT_WS('\t', ssl_type, x509_issuer, x509_subject)"
        + " FROM mysql.user WHERE user = 'x509' AND host = '10.0.0.%'"));
    assertEquals("", aurora.query("SELECT authentication_string FROM mysql.user WHERE user = 'nopw' AND host = 'localhost'"));
    // The same hash as on the source, byte for byte.
    assertEquals(source.query("SELECT HEX(authentication_string) FROM mysql.user WHERE user = 'app'"),
        aurora.query("SELECT HEX(authentication_string) FROM mysql.user WHERE user = 'app'"));
    String boss = String.join("\n", aurora.queryRows("SHOW GRANTS FOR boss@'%'"));
    assertEquals("GRANT PROCESS ON *.* TO `boss`@`%`", boss, "only what Aurora lets the master user give");
    assertNull(aurora.query("SELECT 1 FROM mysql.user WHERE user = 'migrator_repl'"));
    assertNull(aurora.query("SELECT 1 FROM mysql.user WHERE user = 'root' AND host = 'localhost' AND plugin = 'x'"));
    assertEquals(List.of("SELECT ON `shop`.`later`"), change(r, "'app'@'%'").deferred);

    // Idempotent: again, nothing to do; once the table exists, the deferred grant is given.
    AccountsResult again = activities.copyAccounts(in);
    assertEquals(0, again.created + again.updated, again.changes.toString());
    aurora.sql("CREATE TABLE shop.later (id INT)");
    AccountsResult third = activities.copyAccounts(in);
    assertEquals(AccountChange.UPDATE, change(third, "'app'@'%'").action, third.changes.toString());
    assertTrue(String.join("\n", aurora.queryRows("SHOW GRANTS FOR app@'%'")).contains("GRANT SELECT ON `shop`.`later`"));
    secrets.assertClean("copy again", again);
    secrets.assertClean("copy third", third);
  }

  @Test
  @Order(3)
  void copyOntoSelfManagedMySqlKeepsEverythingRootMayGrant() throws Exception {
    mysql.sql("CREATE TABLE shop.later (id INT)");
    AccountsInput in = input(mysql, "acc-mysql");
    AccountsResult r = activities.copyAccounts(in);
    secrets.assertClean("copy result", r);
    assertEquals(0, r.strippedGrants, r.warnings.toString());
    String boss = String.join("\n", mysql.queryRows("SHOW GRANTS FOR boss@'%'"));
    assertTrue(boss.contains("SHUTDOWN, PROCESS, FILE, SUPER ON *.*"), boss);
    assertTrue(boss.contains("BACKUP_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.*"), boss);
    assertTrue(boss.contains("GRANT SELECT, INSERT ON `mysql`.*"), boss);
    assertTrue(String.join("\n", mysql.queryRows("SHOW GRANTS FOR app@'%'")).contains("GRANT PROXY ON `boss`@`%` TO `app`@`%`"));
    try (Connection c = login(mysql, "app", APP_PW)) {
      assertEquals("`r_read`@`%`", one(c, "SELECT CURRENT_ROLE()"));
    }
    assertTrue(r.notes.stream().noneMatch(n -> n.contains("binary-logged")), "root may set sql_log_bin: " + r.notes);
  }

  @Test
  @Order(4)
  void anAccountThatExistsDifferentlyOnTheTargetIsRefusedKeptOrReplaced() {
    mysql.sql("CREATE USER shared@'%' IDENTIFIED BY 'shared-target-Secret'", "GRANT SELECT ON shop.* TO shared@'%'");
    source.sql("CREATE USER shared@'%' IDENTIFIED BY 'shared-source-Secret'", "GRANT INSERT ON shop.* TO shared@'%'");
    secrets.password("shared-target-Secret").password("shared-source-Secret").hashesOf(mysql, false).hashesOf(source, false);
    AccountsInput in = input(mysql, "acc-mysql");
    ApplicationFailure refused = assertThrows(ApplicationFailure.class, () -> activities.copyAccounts(in));
    assertEquals("AccountsRefused", refused.getType());
    assertTrue(refused.getOriginalMessage().contains("'shared'@'%': it already exists on the target with another"
        + " definition (password, grants)"), refused.getOriginalMessage());
    secrets.assertText("failure", refused.getOriginalMessage());
    in.options.existing = "keep-target";
    AccountsResult kept = activities.copyAccounts(in);
    assertEquals(AccountChange.KEEP_TARGET, change(kept, "'shared'@'%'").action);
    assertTrue(String.join("\n", mysql.queryRows("SHOW GRANTS FOR shared@'%'")).contains("GRANT SELECT ON `shop`.*"));
    source.sql("DROP USER shared@'%'");
  }

  @Test
  @Order(5)
  void theSyncFindsAndAppliesWhatChangedOnTheSourceAfterTheCopy() throws Exception {
    source.sql("ALTER USER app@'%' IDENTIFIED BY '" + APP_PW_2 + "'", "GRANT SELECT ON shop2.* TO app@'%'",
        "CREATE USER newbie@'%' IDENTIFIED BY '" + NEWBIE_PW + "'", "GRANT SELECT ON shop.* TO newbie@'%'",
        "DROP USER locked@'%'");
    secrets.hashesOf(source, false);
    AccountsInput in = input(aurora, "acc-aurora");
    AccountsResult diff = activities.diffAccounts(in);
    secrets.assertClean("diff", diff);
    assertFalse(diff.applied);
    assertEquals(AccountChange.UPDATE, change(diff, "'app'@'%'").action);
    assertTrue(change(diff, "'app'@'%'").details.containsAll(List.of("password", "grant +SELECT ON `shop2`.*")),
        change(diff, "'app'@'%'").details.toString());
    assertEquals(AccountChange.CREATE, change(diff, "'newbie'@'%'").action);
    assertEquals(AccountChange.DROP, change(diff, "'locked'@'%'").action);
    assertTrue(diff.summary.startsWith("3 account(s) changed on the source since the copy: not applied yet"), diff.summary);

    // MySQL target read-only with super_read_only (as the replicate step leaves it): pending.
    AccountsInput onMysql = input(mysql, "acc-mysql");
    onMysql.options.existing = "keep-target";
    mysql.sql("SET GLOBAL super_read_only = ON");
    AccountsResult pending = activities.syncAccounts(onMysql);
    assertTrue(pending.targetReadOnly, pending.notes.toString());
    assertEquals(3, pending.pending, pending.changes.toString());
    assertTrue(pending.summary.startsWith("3 account(s) changed on the source since the copy: pending"), pending.summary);
    mysql.sql("SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF");
    assertTrue(activities.syncAccounts(onMysql).summary.startsWith("3 account(s) changed on the source since the copy: applied"));

    AccountsResult sync = activities.syncAccounts(in);
    secrets.assertClean("sync", sync);
    assertEquals("3 account(s) changed on the source since the copy: applied; 1 grant(s) stripped", sync.summary);
    List<String> status = sync.statusLines();
    System.out.println("status after sync:\n" + String.join("\n", status));
    assertTrue(status.contains("  updated 'app'@'%': password, grant +SELECT ON `shop2`.*"), status.toString());
    assertTrue(status.contains("  created 'newbie'@'%'"), status.toString());
    assertTrue(status.contains("  dropped 'locked'@'%': dropped on the source"), status.toString());
    secrets.assertText("status lines", String.join("\n", status));
    try (Connection c = login(aurora, "app", APP_PW_2)) {
      assertEquals("`r_read`@`%`", one(c, "SELECT CURRENT_ROLE()"));
    }
    assertThrows(SQLException.class, () -> login(aurora, "app", APP_PW).close(), "the old password no longer works");
    try (Connection c = login(aurora, "newbie", NEWBIE_PW)) {
      assertEquals("newbie@%", one(c, "SELECT CURRENT_USER()"));
    }
    assertNull(aurora.query("SELECT 1 FROM mysql.user WHERE user = 'locked'"));
    assertEquals("no account changed on the source since the copy",
        activities.syncAccounts(in).summary);
  }

  @Test
  @Order(6)
  void theUndoDropsExactlyWhatThisMigrationCreated() {
    aurora.sql("CREATE USER same@'%' IDENTIFIED WITH caching_sha2_password AS 0x"
        + source.query("SELECT HEX(authentication_string) FROM mysql.user WHERE user = 'expired'") + " PASSWORD EXPIRE");
    AccountsInput in = input(aurora, "acc-aurora");
    List<String> notes = activities.dropCreatedAccounts(in);
    secrets.assertClean("undo notes", notes);
    assertTrue(notes.get(0).startsWith("dropped 9 account(s) this migration created"), notes.toString());
    List<String> left = aurora.queryRows("SELECT CONCAT(user, '@', host) FROM mysql.user ORDER BY 1");
    assertEquals(List.of("admin@%", "keeper@%", "mysql.infoschema@localhost", "mysql.session@localhost",
        "mysql.sys@localhost", "rdsadmin@localhost", "root@%", "root@127.0.0.1", "root@localhost", "same@%"), left);
    assertEquals(List.of(), activities.dropCreatedAccounts(in), "idempotent");
    assertNull(aurora.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'migrator_meta'"));

    // Release: the other target's accounts become the application's, nothing of migrator's is left.
    AccountsInput onMysql = input(mysql, "acc-mysql");
    assertTrue(activities.releaseAccounts(onMysql).get(0).startsWith("released "));
    assertEquals(List.of(), activities.dropCreatedAccounts(onMysql));
    assertEquals("1", mysql.query("SELECT COUNT(*) FROM mysql.user WHERE user = 'app'"));
  }
}
