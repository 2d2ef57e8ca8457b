package dev.migrator.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.accounts.GrantSet.Atom;
import dev.migrator.accounts.GrantSet.Kind;
import dev.migrator.accounts.GrantSet.Scope;
import dev.migrator.model.AccountsOptions;
import dev.migrator.mysql.ServerInfo;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The accounts step's pure parts: SHOW GRANTS parsing, statements, scope patterns, mapping by target kind. */
class AccountsLogicTest {
  static final AccountName APP = new AccountName("app", "%");

  @Test
  void parsesEveryKindOfMySqlGrantLine() {
    GrantSet g = GrantParser.parse(APP, List.of(
        "GRANT PROCESS, SUPER ON *.* TO `app`@`%`",
        "GRANT BACKUP_ADMIN,XA_RECOVER_ADMIN ON *.* TO `app`@`%` WITH GRANT OPTION",
        "GRANT SELECT, INSERT ON `shop`.* TO `app`@`%`",
        "GRANT SELECT (`a`), INSERT, UPDATE (`a`, `b`) ON `shop`.`t` TO `app`@`%` WITH GRANT OPTION",
        "GRANT EXECUTE, ALTER ROUTINE ON PROCEDURE `shop`.`p` TO `app`@`%`",
        "GRANT EXECUTE ON FUNCTION `shop`.`f` TO `app`@`%`",
        "GRANT PROXY ON `boss`@`%` TO `app`@`%` WITH GRANT OPTION",
        "GRANT `r_read`@`%`,`r_write`@`%` TO `app`@`%` WITH ADMIN OPTION",
        "GRANT USAGE ON `other`.* TO `app`@`%` WITH GRANT OPTION",
        "REVOKE INSERT ON `mysql`.* FROM `app`@`%`"));
    Scope t = new Scope(Kind.TABLE, "shop", "t");
    assertTrue(g.atoms.contains(new Atom("SUPER", Scope.GLOBAL, null, false)));
    assertTrue(g.atoms.contains(new Atom("XA_RECOVER_ADMIN", Scope.GLOBAL, null, true)));
    assertTrue(g.atoms.contains(new Atom("SELECT", new Scope(Kind.DATABASE, "shop", null), null, false)));
    assertTrue(g.atoms.contains(new Atom("SELECT", t, "a", true)));
    assertTrue(g.atoms.contains(new Atom("UPDATE", t, "b", true)));
    assertTrue(g.atoms.contains(new Atom("INSERT", t, null, true)));
    assertTrue(g.atoms.contains(new Atom("ALTER ROUTINE", new Scope(Kind.PROCEDURE, "shop", "p"), null, false)));
    assertTrue(g.atoms.contains(new Atom("EXECUTE", new Scope(Kind.FUNCTION, "shop", "f"), null, false)));
    assertTrue(g.atoms.contains(new Atom("USAGE", new Scope(Kind.DATABASE, "other", null), null, true)));
    assertEquals(Set.of(new GrantSet.Proxy(new AccountName("boss", "%"), true)), g.proxies);
    assertEquals(2, g.roles.size());
    assertTrue(g.roles.contains(new GrantSet.RoleGrant(new AccountName("r_write", "%"), true)));
    assertEquals(Set.of(new Atom("INSERT", new Scope(Kind.DATABASE, "mysql", null), null, false)), g.revokes);
  }

  @Test
  void parsesMariaDbLinesAndDropsTheHashTheyCarry() {
    String hash = "*72B37E3F4D899EDC98A9363172669E192CE424D5";
    GrantSet g = GrantParser.parse(APP, List.of(
        "GRANT `r_read` TO `app`@`%` WITH ADMIN OPTION",
        "GRANT PROCESS, BINLOG MONITOR, READ_ONLY ADMIN ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '" + hash
            + "' WITH MAX_QUERIES_PER_HOUR 100 MAX_STATEMENT_TIME 2.500000",
        "GRANT ALL PRIVILEGES ON `shop`.* TO `app`@`%`",
        "GRANT PROXY ON ``@`%` TO `app`@`%` WITH GRANT OPTION",
        "SET DEFAULT ROLE `r_read` FOR `app`@`%`"));
    assertTrue(g.atoms.contains(new Atom("READ_ONLY ADMIN", Scope.GLOBAL, null, false)), g.atoms.toString());
    assertTrue(g.atoms.contains(new Atom("BINLOG MONITOR", Scope.GLOBAL, null, false)));
    assertTrue(g.atoms.stream().noneMatch(Atom::grantable), "MAX_... is not WITH GRANT OPTION");
    assertTrue(g.atoms.contains(new Atom("ALL PRIVILEGES", new Scope(Kind.DATABASE, "shop", null), null, false)));
    assertEquals(Set.of(new GrantSet.RoleGrant(new AccountName("r_read", ""), true)), g.roles);
    assertEquals(Set.of(new AccountName("r_read", "")), g.defaultRoles);
    assertEquals(Set.of(new GrantSet.Proxy(new AccountName("", "%"), true)), g.proxies);
    assertFalse(g.atoms.toString().contains(hash));
    GrantParser.UnparsableGrant e = assertThrows(GrantParser.UnparsableGrant.class,
        () -> GrantParser.parse(APP, List.of("GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '" + hash)));
    assertFalse(e.getMessage().contains(hash), "the line is never echoed: " + e.getMessage());
  }

  @Test
  void mySqlStatementsCarryTheHashAsAHexLiteralAndAreMarkedSecret() {
    byte[] hash = "$A$005$\u0001\u001f\tsalt\u0000\u007f-rest".getBytes(StandardCharsets.ISO_8859_1);
    Account a = new Account(APP);
    a.auth.add(new Account.AuthMethod("caching_sha2_password", hash));
    a.passwordExpired = true;
    a.passwordLifetime = 90;
    a.maxUserConnections = 5;
    a.sslType = "SPECIFIED";
    a.x509Subject = "/CN=app";
    a.failedLoginAttempts = 3;
    a.passwordLockDays = -1;
    a.metadataJson = "{\"comment\":\"it's\"}";
    List<Statements.Stmt> st = new MySqlAccountWriter().create(a);
    assertEquals(2, st.size());
    assertTrue(st.get(0).secret());
    assertEquals("CREATE USER 'app'@'%' IDENTIFIED WITH 'caching_sha2_password' AS 0x"
        + HexFormat.of().withUpperCase().formatHex(hash) + " REQUIRE SUBJECT '/CN=app' WITH MAX_QUERIES_PER_HOUR 0"
        + " MAX_UPDATES_PER_HOUR 0 MAX_CONNECTIONS_PER_HOUR 0 MAX_USER_CONNECTIONS 5 PASSWORD EXPIRE INTERVAL 90 DAY"
        + " PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT DEFAULT"
        + " FAILED_LOGIN_ATTEMPTS 3 PASSWORD_LOCK_TIME UNBOUNDED ACCOUNT UNLOCK ATTRIBUTE '{\"comment\":\"it''s\"}'",
        st.get(0).sql());
    assertEquals("ALTER USER 'app'@'%' PASSWORD EXPIRE", st.get(1).sql());
    assertFalse(st.get(0).toString().contains("0x"), "toString withholds the statement: " + st.get(0));

    a.grants.atoms.add(new Atom("SELECT", new Scope(Kind.TABLE, "shop", "t"), "a", true));
    a.grants.atoms.add(new Atom("INSERT", new Scope(Kind.TABLE, "shop", "t"), null, true));
    a.grants.atoms.add(new Atom("SELECT", new Scope(Kind.TABLE, "shop", "later"), null, false));
    a.grants.roles.add(new GrantSet.RoleGrant(new AccountName("r", "%"), false));
    a.grants.defaultRoles.add(new AccountName("r", "%"));
    List<String> grants = new MySqlAccountWriter().grants(a, s -> !"later".equals(s.name())).stream()
        .map(Statements.Stmt::sql).toList();
    assertEquals(List.of("GRANT INSERT, SELECT (`a`) ON `shop`.`t` TO 'app'@'%' WITH GRANT OPTION",
        "GRANT 'r'@'%' TO 'app'@'%'"), grants);
    assertEquals("SET DEFAULT ROLE 'r'@'%' TO 'app'@'%'", new MySqlAccountWriter().defaultRoles(a).get(0).sql());
  }

  @Test
  void mariaDbStatementsUseIdentifiedViaAndCreateRole() {
    Account a = new Account(APP);
    a.auth.add(new Account.AuthMethod("mysql_native_password", "*ABC".getBytes(StandardCharsets.US_ASCII)));
    a.auth.add(new Account.AuthMethod("unix_socket", null));
    a.maxStatementTime = "2.5";
    a.locked = true;
    assertEquals("CREATE USER 'app'@'%' IDENTIFIED VIA mysql_native_password USING '*ABC' OR unix_socket REQUIRE NONE"
        + " WITH MAX_QUERIES_PER_HOUR 0 MAX_UPDATES_PER_HOUR 0 MAX_CONNECTIONS_PER_HOUR 0 MAX_USER_CONNECTIONS 0"
        + " MAX_STATEMENT_TIME 2.5 PASSWORD EXPIRE DEFAULT ACCOUNT LOCK", new MariaDbAccountWriter().create(a).get(0).sql());
    Account r = new Account(new AccountName("r_read", ""));
    r.role = true;
    assertEquals("CREATE ROLE 'r_read'", new MariaDbAccountWriter().create(r).get(0).sql());
    assertEquals("DROP ROLE IF EXISTS 'r_read'", new MariaDbAccountWriter().drop(r.name, true).sql());
  }

  @Test
  void scopeLeavesSystemReplicationAndMigrationAccountsOut() {
    AccountsOptions o = new AccountsOptions();
    AccountScope s = new AccountScope(o, "migrator_repl", Set.of("admin"), true);
    assertNotNull(s.excludedReason(new AccountName("mysql.sys", "localhost")));
    assertNotNull(s.excludedReason(new AccountName("rdsadmin", "localhost")));
    assertNotNull(s.excludedReason(new AccountName("AWS_LOAD_S3_ACCESS", "%")));
    assertNotNull(s.excludedReason(new AccountName("root", "%")), "root on RDS/Aurora");
    assertNotNull(s.excludedReason(new AccountName("migrator_repl", "10.0.0.%")));
    assertNotNull(s.excludedReason(new AccountName("admin", "%")));
    assertNotNull(s.excludedReason(new AccountName("", "localhost")));
    assertNull(s.excludedReason(APP));
    assertNull(new AccountScope(o, "r", Set.of(), false).excludedReason(new AccountName("root", "%")),
        "root@% on self-managed servers is in scope");
    o.include = List.of("app*@%", "root@%");
    o.exclude = List.of("app_old");
    AccountScope t = new AccountScope(o, "r", Set.of("admin"), true);
    assertNull(t.excludedReason(new AccountName("app_new", "%")));
    assertTrue(t.excludedReason(new AccountName("app_old", "%")).contains("accounts.exclude"));
    assertTrue(t.excludedReason(new AccountName("app_new", "10.%")).contains("not in accounts.include"));
    assertNull(t.excludedReason(new AccountName("root", "%")), "an exact include brings a default exclusion back");
    assertNotNull(t.excludedReason(new AccountName("root", "localhost")));
    assertTrue(AccountScope.matches("app", new AccountName("app", "10.0.0.%")));
    assertFalse(AccountScope.matches("app@%", new AccountName("app", "10.0.0.%")), "% is literal");
  }

  static ServerProfile profile(boolean mariadb, ServerProfile.Kind kind, List<String> privileges, List<String> plugins,
      List<String> ownGrants) {
    Map<String, String> p = new LinkedHashMap<>();
    for (String x : privileges) p.put(Atom.key(x), x);
    AccountName me = new AccountName("admin", "%");
    return new ServerProfile("target", "127.0.0.1:3306", new ServerInfo(mariadb ? "10.11.11-MariaDB" : "9.7.4", mariadb,
        mariadb ? 10 : 9, mariadb ? 11 : 7, 4), kind, p, new TreeSet<>(plugins), me, GrantParser.parse(me, ownGrants), false);
  }

  static final List<String> MYSQL_PRIVS = List.of("SELECT", "INSERT", "PROCESS", "SUPER", "FILE", "SHUTDOWN",
      "REPLICATION CLIENT", "BACKUP_ADMIN", "XA_RECOVER_ADMIN", "SET_ANY_DEFINER", "ALLOW_NONEXISTENT_DEFINER",
      "CONNECTION_ADMIN", "USAGE", "PROXY", "GRANT OPTION");

  @Test
  void theMapperStripsWhatAuroraReservesAndMapsMariaDbSpellings() {
    ServerProfile maria = profile(true, ServerProfile.Kind.SELF_MANAGED, List.of("SELECT", "PROCESS", "SUPER",
        "BINLOG MONITOR", "READ_ONLY ADMIN", "SET USER", "USAGE"), List.of("mysql_native_password"), List.of());
    ServerProfile aurora = profile(false, ServerProfile.Kind.AURORA, MYSQL_PRIVS,
        List.of("caching_sha2_password", "mysql_native_password"),
        List.of("GRANT SELECT, INSERT, PROCESS, REPLICATION CLIENT ON *.* TO `admin`@`%` WITH GRANT OPTION",
            "GRANT XA_RECOVER_ADMIN, SET_ANY_DEFINER, ALLOW_NONEXISTENT_DEFINER ON *.* TO `admin`@`%` WITH GRANT OPTION"));
    Account a = new Account(APP);
    a.auth.add(new Account.AuthMethod("mysql_native_password", "*ABC".getBytes(StandardCharsets.US_ASCII)));
    a.grants = GrantParser.parse(APP, List.of(
        "GRANT PROCESS, SUPER, BINLOG MONITOR, READ_ONLY ADMIN, SET USER ON *.* TO `app`@`%`",
        "GRANT SELECT, INSERT ON `mysql`.* TO `app`@`%`", "GRANT SELECT ON `shop`.* TO `app`@`%`",
        "GRANT `r_read` TO `app`@`%`", "GRANT `r_gone` TO `app`@`%`", "GRANT PROXY ON `boss`@`%` TO `app`@`%`",
        "SET DEFAULT ROLE `r_read` FOR `app`@`%`"));
    GrantMapper m = new GrantMapper(maria, aurora, Set.of(new AccountName("r_read", ""), new AccountName("r_gone", "")))
        .targetRoles(Set.of(new AccountName("r_read", "%")));
    GrantMapper.Mapped out = m.map(a);
    assertNull(out.refusal, out.refusal);
    String stripped = String.join("\n", out.stripped);
    assertTrue(stripped.contains("SUPER ON *.*: RDS/Aurora keep it for rdsadmin"), stripped);
    assertTrue(stripped.contains("READ_ONLY ADMIN ON *.*: the target (MySQL 9.7.4 (Aurora MySQL)) has no such privilege"
        + " (MySQL lets CONNECTION_ADMIN or SUPER write through read_only"), stripped);
    assertTrue(stripped.contains("SELECT ON `mysql`.*: the mysql system schema is RDS's"), stripped);
    assertTrue(stripped.contains("INSERT ON `mysql`.*: the mysql system schema is RDS's"), stripped);
    assertTrue(stripped.contains("role 'r_gone'@'%': it is not migrated"), stripped);
    assertTrue(stripped.contains("PROXY ON 'boss'@'%'"), stripped);
    assertEquals(List.of("BINLOG MONITOR ON *.* -> REPLICATION CLIENT",
        "SET USER ON *.* -> SET_ANY_DEFINER, ALLOW_NONEXISTENT_DEFINER"), out.mapped);
    Set<String> granted = new TreeSet<>();
    for (Atom x : out.desired.grants.atoms) granted.add(x.display());
    assertEquals(Set.of("PROCESS ON *.*", "REPLICATION CLIENT ON *.*", "SET_ANY_DEFINER ON *.*",
        "ALLOW_NONEXISTENT_DEFINER ON *.*", "SELECT ON `shop`.*"), granted);
    assertEquals(Set.of(new AccountName("r_read", "%")), out.desired.grants.defaultRoles);

    // Self-managed MySQL with root: SUPER and mysql.* are given; mysql_native_password is refused on 9.x.
    ServerProfile mysql = profile(false, ServerProfile.Kind.SELF_MANAGED, MYSQL_PRIVS, List.of("caching_sha2_password"),
        List.of("GRANT ALL PRIVILEGES ON *.* TO `admin`@`%` WITH GRANT OPTION"));
    GrantMapper.Mapped self = new GrantMapper(maria, mysql, Set.of()).map(a);
    assertTrue(self.refusal.contains("its authentication plugin mysql_native_password is not available on the target"),
        self.refusal);
    assertTrue(self.refusal.contains("leave it out (accounts.exclude)"), self.refusal);
    assertTrue(self.desired.grants.atoms.contains(new Atom("SUPER", Scope.GLOBAL, null, false)));
    assertTrue(self.desired.grants.atoms.contains(new Atom("INSERT", new Scope(Kind.DATABASE, "mysql", null), null, false)));
  }

  @Test
  void secretStatementsAreNeverEchoedInErrors() {
    java.sql.Connection refusing = (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {java.sql.Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("createStatement")) {
            return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {java.sql.Statement.class},
                (p2, m2, a2) -> {
                  if (m2.getName().equals("execute")) {
                    throw new java.sql.SQLException("You have an error in your SQL syntax near '0xDEADBEEF' at line 1",
                        "42000", 1064);
                  }
                  return null;
                });
          }
          return null;
        });
    java.sql.SQLException e = assertThrows(java.sql.SQLException.class, () -> Statements.run(refusing,
        new Statements.Stmt("CREATE USER 'x'@'%' IDENTIFIED WITH 'caching_sha2_password' AS 0xDEADBEEF", true, "create 'x'@'%'")));
    assertEquals(1064, e.getErrorCode());
    assertFalse(e.getMessage().contains("DEADBEEF"), e.getMessage());
    assertNull(e.getCause());
    assertTrue(e.getMessage().startsWith("ERROR 1064 on create 'x'@'%'"), e.getMessage());
  }
}
