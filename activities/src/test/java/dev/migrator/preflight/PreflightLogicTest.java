package dev.migrator.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrator.model.Endpoint;
import dev.migrator.model.Finding;
import dev.migrator.model.PreflightReport;
import dev.migrator.mysql.ServerInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of preflight that judge values without a server: grants, versions, GTID, Aurora, output. */
class PreflightLogicTest {

  @Test
  void parsesMariaDbGrantsWithoutKeepingTheHash() {
    Grants g = Grants.parse(List.of(
        "GRANT BINLOG MONITOR, REPLICATION SLAVE, CREATE USER ON *.* TO `mig`@`%` IDENTIFIED BY PASSWORD"
            + " '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19' WITH GRANT OPTION",
        "GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON `shop`.* TO `mig`@`%`",
        "GRANT SELECT (`id`, `name`) ON `other`.`t` TO `mig`@`%`"));
    assertTrue(g.hasGlobal("REPLICATION CLIENT") || g.hasGlobal("BINLOG MONITOR"));
    assertTrue(g.hasGlobal("GRANT OPTION"));
    assertTrue(g.hasOnSchema("SHOW VIEW", "shop"));
    assertFalse(g.hasOnSchema("SHOW VIEW", "shopping"));
    assertFalse(g.hasOnSchema("SELECT", "other"));
    assertTrue(g.hasTableLevelGrants("other"));
    assertFalse(g.usesRoles());
  }

  @Test
  void parsesMySql8GrantsRolesAndWildcards() {
    Grants g = Grants.parse(List.of(
        "GRANT RELOAD, REPLICATION CLIENT ON *.* TO `mig`@`%`",
        "GRANT REPLICATION_SLAVE_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `mig`@`%`",
        "GRANT ALL PRIVILEGES ON `shop\\_%`.* TO `mig`@`%`",
        "GRANT `app_role`@`%` TO `mig`@`%`"));
    assertTrue(g.hasGlobal("REPLICATION SLAVE ADMIN"), "dynamic privileges compare with MariaDB's spelling");
    assertTrue(g.hasGlobal("SYSTEM VARIABLES ADMIN"));
    assertTrue(g.hasOnSchema("CREATE VIEW", "shop_eu"));
    assertFalse(g.hasOnSchema("CREATE VIEW", "shopXeu"), "an escaped _ is not a wildcard");
    assertFalse(g.hasOnSchema("GRANT OPTION", "shop_eu"), "ALL does not include GRANT OPTION");
    assertTrue(g.usesRoles());
  }

  @Test
  void globalAllPrivileges() {
    Grants g = Grants.parse(List.of("GRANT ALL PRIVILEGES ON *.* TO `root`@`%` WITH GRANT OPTION"));
    assertTrue(g.hasOnSchema("CREATE ROUTINE", "anything"));
    assertTrue(g.hasGlobal("SUPER"));
  }

  static ServerInfo mysql(int major, int minor) {
    return new ServerInfo(major + "." + minor + ".30", false, major, minor, 30);
  }

  static ServerInfo mariadb(int major, int minor) {
    return new ServerInfo(major + "." + minor + ".5-MariaDB", true, major, minor, 5);
  }

  @Test
  void versionCompatibility() {
    assertNull(VersionCheck.compatibility(mysql(5, 7), mysql(8, 0)));
    assertNull(VersionCheck.compatibility(mysql(8, 0), mysql(8, 0)));
    Finding older = VersionCheck.compatibility(mysql(8, 0), mysql(5, 7));
    assertEquals(Finding.BLOCKING, older.severity);
    assertEquals("version-compatible", older.id);
    assertEquals(Finding.BLOCKING, VersionCheck.compatibility(mysql(8, 4), mysql(8, 0)).severity);
    // MariaDB -> MySQL: ROW events MySQL cannot parse; blocked before any change, with the reason.
    Finding mariaToMySql = VersionCheck.compatibility(mariadb(10, 11), mysql(9, 7));
    assertEquals(Finding.BLOCKING, mariaToMySql.severity);
    assertTrue(mariaToMySql.evidence.contains("Unsupported non-ignorable event fed into the event stream"), mariaToMySql.evidence);
    assertEquals(Finding.BLOCKING, VersionCheck.compatibility(mariadb(10, 6), mysql(8, 0)).severity);
    // Calendar versions are newer than every 9.x.
    assertNull(VersionCheck.compatibility(mysql(9, 7), mysql(26, 7)));
    assertEquals(Finding.BLOCKING, VersionCheck.compatibility(mysql(26, 7), mysql(9, 7)).severity);
    assertEquals(Finding.WARNING, VersionCheck.compatibility(mysql(5, 7), mariadb(10, 11)).severity);
    assertNull(VersionCheck.compatibility(mariadb(10, 6), mariadb(10, 11)));
  }

  static Side side(String role, ServerInfo info, String flavor, Map<String, String> vars) {
    Endpoint e = new Endpoint("db-" + role, 3306, "u", "env:X");
    e.flavor = flavor;
    return new Side(role, e, info, vars);
  }

  @Test
  void gtidAutoPositionNeedsGtidsOnBothMySqlSides() {
    Side on = side("source", mysql(8, 0), "mysql", Map.of("gtid_mode", "ON", "enforce_gtid_consistency", "ON"));
    Side off = side("target", mysql(8, 0), "aurora-mysql", Map.of("gtid_mode", "OFF_PERMISSIVE",
        "enforce_gtid_consistency", "OFF"));
    Side onToo = side("target", mysql(8, 0), "aurora-mysql", Map.of("gtid_mode", "ON", "enforce_gtid_consistency", "ON"));
    assertEquals(List.of(), GtidCheck.problems(on, onToo));
    List<String> p = GtidCheck.problems(on, off);
    assertEquals(2, p.size(), p::toString);
    assertTrue(p.get(0).contains("gtid_mode=OFF_PERMISSIVE"));
    Side maria = side("source", mariadb(10, 11), "mysql", Map.of());
    assertTrue(GtidCheck.problems(maria, onToo).get(0).contains("incompatible"));
  }

  @Test
  void auroraReplicationParametersAreJudgedOnlyWhenPresent() {
    assertEquals(List.of(), TargetReplicationCheck.auroraProblems(side("target", mysql(8, 0), "aurora-mysql", Map.of())));
    Side off = side("target", mysql(5, 7), "aurora-mysql", Map.of("aurora_enable_repl_bin_log_filtering", "0"));
    assertTrue(TargetReplicationCheck.auroraProblems(off).get(0).contains("aurora_enable_repl_bin_log_filtering=0"));
    Side parallel = side("target", mysql(8, 0), "aurora-mysql", Map.of("replica_parallel_workers", "4",
        "replica_preserve_commit_order", "OFF"));
    assertEquals(1, TargetReplicationCheck.auroraProblems(parallel).size());
  }

  @Test
  void formatterWritesTextAndJson() throws Exception {
    PreflightReport r = new PreflightReport()
        .add(new Finding("version", Finding.INFO, "source", "MySQL 8.0.36", null))
        .add(new Finding("no-primary-key", Finding.WARNING, "source", "1 table", "add one"))
        .add(new Finding("binlog-on", Finding.BLOCKING, "source", "log_bin=OFF", "turn it on"));
    String text = PreflightReportFormatter.text(r);
    assertTrue(text.startsWith("Preflight: BLOCKED (1 blocking, 1 warning(s), 1 info)"), text);
    assertTrue(text.indexOf("[binlog-on]") < text.indexOf("[no-primary-key]"), "blocking first: " + text);
    assertTrue(text.contains("what to do: turn it on"), text);
    JsonNode json = new ObjectMapper().readTree(PreflightReportFormatter.json(r));
    assertTrue(json.get("blocking").asBoolean());
    assertEquals(1, json.get("summary").get("warning").asInt());
    assertEquals("binlog-on", json.get("findings").get(0).get("id").asText());
    assertEquals(3, json.get("findings").size());

    PreflightReport ok = new PreflightReport().add(new Finding("version", Finding.INFO, "source", "x", null));
    assertTrue(PreflightReportFormatter.text(ok).contains("Nothing blocks the migration."));
    assertFalse(new ObjectMapper().readTree(PreflightReportFormatter.json(ok)).get("blocking").asBoolean());
  }

  @Test
  void suggestsTheLeastPrivilegeInTheServersSpelling() {
    dev.migrator.model.MigrationRequest r = new dev.migrator.model.MigrationRequest();
    r.source = new Endpoint();
    r.target = new Endpoint();
    PrivilegeRequirement readOnly = PrivilegeRequirement.forRequest(r, false).stream()
        .filter(q -> q.role().equals("target") && q.step().equals("cutover")).findFirst().orElseThrow();
    assertEquals("SYSTEM_VARIABLES_ADMIN", readOnly.suggestion(mysql(8, 0)));
    assertEquals("READ_ONLY ADMIN", readOnly.suggestion(mariadb(10, 11)));
    assertEquals("SUPER", readOnly.suggestion(mysql(5, 7)));
    assertEquals("SUPER", readOnly.suggestion(mariadb(10, 4)));
    Map<String, java.util.Set<String>> grant = new java.util.LinkedHashMap<>();
    grant.put("`mysql`.`user`", new java.util.LinkedHashSet<>(List.of("SELECT")));
    grant.put("*.*", new java.util.LinkedHashSet<>(List.of("CREATE USER", "GRANT OPTION")));
    assertEquals("GRANT SELECT ON `mysql`.`user` TO 'u'@'%'; GRANT CREATE USER ON *.* TO 'u'@'%' WITH GRANT OPTION;",
        PrivilegeCheck.statements(grant, "'u'@'%'"));
  }

  @Test
  void credentialReferencesAreNamedButLiteralPasswordsAreNot() {
    assertEquals("'env:SRC_PW'", ConnectionErrors.describeRef("env:SRC_PW"));
    assertEquals("(not a reference)", ConnectionErrors.describeRef("hunter2"));
  }

  static PreflightReport tlsFindings(Side source, Side target, dev.migrator.model.MigrationRequest r) {
    PreflightReport report = new PreflightReport();
    new TlsCheck().run(new PreflightContext(r, source, target, report));
    return report;
  }

  static dev.migrator.mysql.TlsStatus tls(String role, String version) {
    return new dev.migrator.mysql.TlsStatus(role, "db-" + role + ":3306", "preferred", version, "", "db-" + role);
  }

  @Test
  void tlsFindingsJudgeEachConnectionAndTheChannels() {
    dev.migrator.model.MigrationRequest r = new dev.migrator.model.MigrationRequest();
    Side src = side("source", mariadb(10, 11), "mysql", Map.of("have_ssl", "DISABLED"));
    src.tls = tls("source", "");
    Side dst = side("target", mysql(8, 0), "mysql", Map.of("require_secure_transport", "ON"));
    dst.tls = tls("target", "TLSv1.3");
    r.source = src.endpoint;
    r.target = dst.endpoint;
    PreflightReport rep = tlsFindings(src, dst, r);
    List<String> ids = rep.findings.stream().map(f -> f.id + "/" + f.severity + "/" + f.endpoint).toList();
    assertEquals(List.of("tls-plaintext/warning/source", "tls-unverified/info/target", "tls-replication/warning/replication"),
        ids, PreflightReportFormatter.text(rep));
    assertTrue(rep.findings.get(0).evidence.contains("have_ssl=DISABLED"), rep.findings.get(0).evidence);

    // Reverse replication into a server that requires TLS: fine, it offers TLS, so the channel uses it.
    r.cutover.reverseReplication = true;
    assertFalse(tlsFindings(src, dst, r).findings.stream().anyMatch(f -> f.id.equals("tls-require-secure-transport")));
    // A source that requires TLS but that the worker saw without it (a TLS-terminating proxy in between):
    Side odd = side("source", mysql(8, 0), "mysql", Map.of("require_secure_transport", "ON"));
    odd.tls = tls("source", "");
    r.cutover.reverseReplication = false;
    PreflightReport blocked = tlsFindings(odd, dst, r);
    assertTrue(blocked.findings.stream().anyMatch(f -> f.id.equals("tls-require-secure-transport")
        && f.severity.equals(Finding.BLOCKING) && f.evidence.contains("ERROR 3159")), PreflightReportFormatter.text(blocked));

    r.replication.ssl = true;
    assertTrue(tlsFindings(src, dst, r).findings.stream().anyMatch(f -> f.id.equals("tls-replication")
        && f.severity.equals(Finding.BLOCKING)));
  }

  @Test
  void aReplicationAccountWithMoreThanReplicationIsNamed() {
    assertEquals(List.of(), ReplicationAccountCheck.beyondReplication(Grants.parse(List.of(
        "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `migrator_repl`@`%`"))));
    assertEquals(List.of(), ReplicationAccountCheck.beyondReplication(Grants.parse(List.of(
        "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `migrator_repl`@`%` IDENTIFIED BY PASSWORD '*AB12'"))));
    assertEquals(List.of("SELECT ON *.*", "SUPER ON *.*", "grants on shop"), ReplicationAccountCheck.beyondReplication(
        Grants.parse(List.of("GRANT REPLICATION SLAVE, SELECT, SUPER ON *.* TO `repl`@`%`",
            "GRANT ALL PRIVILEGES ON `shop`.* TO `repl`@`%`"))));
  }
}
