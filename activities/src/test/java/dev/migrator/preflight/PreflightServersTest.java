package dev.migrator.preflight;

import dev.migrator.testkit.TestCertificates;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.Endpoint;
import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preflight against real MariaDB servers, failing one check at a time. The source {@code src}
 * holds one schema per problem (shop is clean), so most scenarios differ only in the schemas they
 * ask for; server settings (binlog off, STATEMENT, same server_id, small max_allowed_packet) get
 * a server each. Every scenario must produce exactly one non-info finding, the expected one.
 */
class PreflightServersTest {
  static final String LIMITED_PASSWORD = "limited-pw-4711";
  static final String WRONG_PASSWORD = "wrong-pw-not-the-real-one-9931";

  static LocalMariaDb src;
  static LocalMariaDb dst;
  static LocalMariaDb dstSmallPacket;
  static LocalMariaDb srcNoBinlog;
  static LocalMariaDb srcStatement;
  static LocalMariaDb srcSameId;
  static LocalMariaDb dstFoldsCase;
  static LocalMariaDb dstReadOnly;
  /** A target with TLS on (null when openssl is missing). */
  static LocalMariaDb dstTls;
  static TestCertificates certs;
  static Path secrets;

  final PreflightRunner runner = new PreflightRunner(new Connector(new CredentialResolver()));

  @BeforeAll
  static void startServers(@TempDir Path tmp) throws Exception {
    secrets = tmp;
    Path certDir = Files.createDirectories(tmp.resolve("certs"));
    certs = TestCertificates.make(certDir);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<LocalMariaDb> a = pool.submit(() -> LocalMariaDb.start(new LocalMariaDb.Options().name("pf-src")
          .config("binlog_expire_logs_seconds=172800")));
      Future<LocalMariaDb> b = pool.submit(() -> LocalMariaDb.start("pf-dst"));
      Future<LocalMariaDb> c = pool.submit(() -> LocalMariaDb.start(new LocalMariaDb.Options().name("pf-dst-small")
          .config("max_allowed_packet=1M")));
      Future<LocalMariaDb> d = pool.submit(() -> LocalMariaDb.start(new LocalMariaDb.Options().name("pf-nobinlog")
          .binlog(false)));
      Future<LocalMariaDb> e = pool.submit(() -> LocalMariaDb.start(new LocalMariaDb.Options().name("pf-statement")
          .binlogFormat("STATEMENT")));
      Future<LocalMariaDb> f = pool.submit(() -> LocalMariaDb.start(new LocalMariaDb.Options().name("pf-dst-lctn1")
          .config("lower_case_table_names=1")));
      Future<LocalMariaDb> g = certs == null ? null : pool.submit(() -> LocalMariaDb.start(new LocalMariaDb.Options()
          .name("pf-dst-tls").config("ssl-ca=" + certs.ca).config("ssl-cert=" + certs.serverCert)
          .config("ssl-key=" + certs.serverKey)));
      Future<LocalMariaDb> ro = pool.submit(() -> LocalMariaDb.start(new LocalMariaDb.Options().name("pf-dst-ro")
          .config("read_only=1")));
      // A later server-id line wins over the harness's own.
      Future<LocalMariaDb> h = pool.submit(() -> LocalMariaDb.start(new LocalMariaDb.Options().name("pf-same-id")
          .config("server-id=" + b.get().serverId())));
      src = a.get();
      dst = b.get();
      dstSmallPacket = c.get();
      srcNoBinlog = d.get();
      srcStatement = e.get();
      dstFoldsCase = f.get();
      dstTls = g == null ? null : g.get();
      srcSameId = h.get();
      dstReadOnly = ro.get();
    } finally {
      pool.shutdown();
    }
    for (LocalMariaDb s : List.of(srcNoBinlog, srcStatement, srcSameId)) {
      s.sql("CREATE DATABASE shop", "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50)) ENGINE=InnoDB",
          "INSERT INTO shop.item VALUES (1, 'a')");
    }
    src.sql(
        "CREATE DATABASE shop",
        "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50), note TEXT) ENGINE=InnoDB",
        "INSERT INTO shop.item VALUES (1, 'a', 'short'), (2, 'b', NULL)",
        "CREATE VIEW shop.item_names AS SELECT name FROM shop.item",
        "CREATE DATABASE legacy",
        "CREATE TABLE legacy.log (id INT PRIMARY KEY, line VARCHAR(100)) ENGINE=MyISAM",
        "CREATE DATABASE defn",
        "CREATE TABLE defn.t (id INT PRIMARY KEY) ENGINE=InnoDB",
        "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'",
        "CREATE DEFINER = 'app'@'%' SQL SECURITY DEFINER VIEW defn.v AS SELECT id FROM defn.t",
        "CREATE DATABASE nokey",
        "CREATE TABLE nokey.events (at DATETIME, what VARCHAR(20)) ENGINE=InnoDB",
        "INSERT INTO nokey.events VALUES (NOW(), 'x')",
        "CREATE DATABASE big",
        "CREATE TABLE big.files (id INT PRIMARY KEY, body LONGBLOB) ENGINE=InnoDB",
        "INSERT INTO big.files VALUES (1, REPEAT('x', 2 * 1024 * 1024)), (2, 'small')",
        "CREATE DATABASE mixed",
        "CREATE TABLE mixed.Orders (id INT PRIMARY KEY) ENGINE=InnoDB",
        "CREATE DATABASE existing",
        "CREATE TABLE existing.t (id INT PRIMARY KEY) ENGINE=InnoDB",
        "CREATE USER 'limited'@'%' IDENTIFIED BY '" + LIMITED_PASSWORD + "'",
        "GRANT SELECT ON shop.* TO 'limited'@'%'");
    dst.sql("CREATE DATABASE existing");
  }

  @AfterAll
  static void stopServers() {
    for (LocalMariaDb s : new LocalMariaDb[] {src, dst, dstSmallPacket, srcNoBinlog, srcStatement, srcSameId, dstFoldsCase, dstTls, dstReadOnly}) {
      if (s != null) s.close();
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  static Endpoint endpoint(LocalMariaDb db) {
    return new Endpoint(db.host(), db.port(), "root", db.rootPasswordRef());
  }

  static MigrationRequest request(LocalMariaDb source, LocalMariaDb target, String... schemas) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "preflight-test";
    r.source = endpoint(source);
    r.target = endpoint(target);
    r.schemas = new ArrayList<>(List.of(schemas));
    return r;
  }

  static String secretFile(String name, String content) throws IOException {
    Path p = secrets.resolve(name);
    Files.writeString(p, content);
    return "file:" + p;
  }

  PreflightReport preflight(MigrationRequest r) {
    PreflightReport report = runner.run(r);
    String json = PreflightReportFormatter.json(report);
    String text = PreflightReportFormatter.text(report);
    System.out.println(text); // lands in target/surefire-reports/*-output.txt, for reading the advice
    for (LocalMariaDb db : new LocalMariaDb[] {src, dst, dstSmallPacket, srcNoBinlog, srcStatement, srcSameId, dstFoldsCase, dstTls, dstReadOnly}) {
      assertFalse(json.contains(db.rootPassword()) || text.contains(db.rootPassword()), "a password leaked: " + text);
    }
    assertFalse(json.contains(LIMITED_PASSWORD) || json.contains(WRONG_PASSWORD), "a password leaked: " + json);
    return report;
  }

  /**
   * The findings that are not info, without the two warnings every request here gets because the
   * harness's MariaDB servers have no TLS (tls-plaintext for the source or target, tls-replication
   * for the channel); TlsOnRealServersTest checks those.
   */
  static List<Finding> notInfo(PreflightReport r) {
    return r.findings.stream().filter(f -> !Finding.INFO.equals(f.severity))
        .filter(f -> !(Finding.WARNING.equals(f.severity) && List.of("tls-plaintext", "tls-replication").contains(f.id)))
        .collect(Collectors.toList());
  }

  /** Exactly one finding that is not info, with this id, severity and endpoint. */
  static Finding assertOnly(PreflightReport r, String id, String severity, String endpoint) {
    List<Finding> f = notInfo(r);
    assertEquals(1, f.size(), () -> "expected only " + id + ", got:\n" + PreflightReportFormatter.text(r));
    assertEquals(id, f.get(0).id, () -> PreflightReportFormatter.text(r));
    assertEquals(severity, f.get(0).severity, () -> PreflightReportFormatter.text(r));
    assertEquals(endpoint, f.get(0).endpoint, () -> PreflightReportFormatter.text(r));
    assertTrue(f.get(0).advice != null && !f.get(0).advice.isBlank(), "every problem comes with advice");
    return f.get(0);
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  // ---- scenarios -------------------------------------------------------------------------------

  @Test
  void cleanSourceAndTargetPassEveryCheck() {
    PreflightReport r = preflight(request(src, dst, "shop"));
    assertEquals(List.of(), notInfo(r), () -> PreflightReportFormatter.text(r));
    assertFalse(r.hasBlocking());
    List<String> info = r.findings.stream().map(f -> f.id).collect(Collectors.toList());
    assertTrue(info.contains("version") && info.contains("data-size"), info::toString);
  }

  @Test
  void binaryLogOff() {
    Finding f = assertOnly(preflight(request(srcNoBinlog, dst, "shop")), "binlog-on", Finding.BLOCKING, "source");
    assertTrue(f.evidence.contains("1381"), f.evidence);
  }

  @Test
  void statementFormat() {
    Finding f = assertOnly(preflight(request(srcStatement, dst, "shop")), "binlog-format", Finding.BLOCKING, "source");
    assertTrue(f.evidence.contains("STATEMENT"), f.evidence);
  }

  @Test
  void sameServerId() {
    assertOnly(preflight(request(srcSameId, dst, "shop")), "server-id-distinct", Finding.BLOCKING, "target");
  }

  @Test
  void retentionShorterThanNeeded() {
    MigrationRequest r = request(src, dst, "shop");
    r.retentionHours = 72; // the source purges after 48 h
    Finding f = assertOnly(preflight(r), "binlog-retention", Finding.WARNING, "source");
    assertTrue(f.evidence.contains("48 h"), f.evidence);
  }

  @Test
  void restrictedSourceAccount() throws IOException {
    MigrationRequest r = request(src, dst, "shop");
    r.source.user = "limited";
    r.source.password = secretFile("limited.pw", LIMITED_PASSWORD);
    Finding f = assertOnly(preflight(r), "source-privileges", Finding.BLOCKING, "source");
    for (String p : List.of("SHOW VIEW", "TRIGGER", "EVENT", "REPLICATION CLIENT", "CREATE USER")) {
      assertTrue(f.evidence.contains(p), p + " missing from: " + f.evidence);
    }
    assertFalse(f.evidence.contains("SELECT on shop"), "SELECT is granted: " + f.evidence);
    assertTrue(f.advice.contains("GRANT SHOW VIEW, TRIGGER, EVENT ON `shop`.* TO 'limited'@'%';"), f.advice);
    assertTrue(f.advice.contains("READ_ONLY ADMIN, RELOAD, PROCESS ON *.* TO 'limited'@'%' WITH GRANT OPTION;"), f.advice);
  }

  @Test
  void leastPrivilegeAccountsAsDocumentedPass() throws IOException {
    // docs/preflight.md's lists, in MariaDB 10.11 spelling.
    src.sql("CREATE USER IF NOT EXISTS 'mig_src'@'%' IDENTIFIED BY '" + LIMITED_PASSWORD + "'",
        "GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON shop.* TO 'mig_src'@'%'",
        "GRANT SELECT ON mysql.user TO 'mig_src'@'%'",
        "GRANT REPLICATION CLIENT, REPLICATION SLAVE, CREATE USER, READ_ONLY ADMIN, RELOAD, PROCESS ON *.* TO 'mig_src'@'%'"
            + " WITH GRANT OPTION");
    dst.sql("CREATE USER IF NOT EXISTS 'mig_dst'@'%' IDENTIFIED BY '" + LIMITED_PASSWORD + "'",
        "GRANT CREATE, INSERT, SELECT, ALTER, INDEX, DROP, CREATE VIEW, TRIGGER, CREATE ROUTINE ON shop.*"
            + " TO 'mig_dst'@'%'",
        "GRANT CREATE, SELECT, INSERT, UPDATE, DELETE, DROP ON migrator_meta.* TO 'mig_dst'@'%'",
        "GRANT REPLICATION SLAVE ADMIN, SLAVE MONITOR, READ_ONLY ADMIN ON *.* TO 'mig_dst'@'%'");
    MigrationRequest r = request(src, dst, "shop");
    r.source.user = "mig_src";
    r.source.password = secretFile("mig.pw", LIMITED_PASSWORD);
    r.target.user = "mig_dst";
    r.target.password = r.source.password;
    PreflightReport report = preflight(r);
    assertEquals(List.of(), notInfo(report), () -> PreflightReportFormatter.text(report));
  }

  @Test
  void restrictedTargetAccount() throws IOException {
    dst.sql("CREATE USER IF NOT EXISTS 'loader'@'%' IDENTIFIED BY '" + LIMITED_PASSWORD + "'",
        "GRANT CREATE, INSERT, SELECT ON shop.* TO 'loader'@'%'");
    MigrationRequest r = request(src, dst, "shop");
    r.target.user = "loader";
    r.target.password = secretFile("loader.pw", LIMITED_PASSWORD);
    Finding f = assertOnly(preflight(r), "target-privileges", Finding.BLOCKING, "target");
    for (String p : List.of("ALTER", "DROP", "CREATE VIEW", "CREATE ROUTINE", "SUPER or REPLICATION SLAVE ADMIN")) {
      assertTrue(f.evidence.contains(p), p + " missing from: " + f.evidence);
    }
  }

  @Test
  void replicationAccountMustExistWhenMigratorMayNotCreateIt() {
    MigrationRequest r = request(src, dst, "shop");
    r.replication.createUser = false;
    r.replication.user = "no_such_repl";
    assertOnly(preflight(r), "replication-account", Finding.BLOCKING, "source");
    src.sql("CREATE USER IF NOT EXISTS 'repl_ok'@'%' IDENTIFIED BY 'x'", "GRANT REPLICATION SLAVE ON *.* TO 'repl_ok'@'%'");
    r.replication.user = "repl_ok";
    assertEquals(List.of(), notInfo(preflight(r)));
  }

  @Test
  void lowerCaseTableNamesDiffer() {
    Finding f = assertOnly(preflight(request(src, dstFoldsCase, "mixed")), "lower-case-table-names", Finding.BLOCKING,
        "target");
    assertTrue(f.evidence.contains("mixed.Orders"), f.evidence);
    assertOnly(preflight(request(src, dstFoldsCase, "shop")), "lower-case-table-names", Finding.WARNING, "target");
  }

  @Test
  void readOnlyTarget() {
    // root has ALL PRIVILEGES (READ_ONLY ADMIN included), so it could still write: a warning.
    assertOnly(preflight(request(src, dstReadOnly, "shop")), "target-read-only", Finding.WARNING, "target");
  }

  @Test
  void myIsamTableWarnsForMySqlTargetAndBlocksForAurora() {
    Finding f = assertOnly(preflight(request(src, dst, "legacy")), "storage-engine", Finding.WARNING, "source");
    assertTrue(f.evidence.contains("legacy.log (MyISAM)"), f.evidence);
    MigrationRequest aurora = request(src, dst, "legacy");
    aurora.target.flavor = "aurora-mysql";
    // MariaDB plays Aurora here, without TLS (Aurora always has it: required is the flavor's default).
    aurora.target.tls = new dev.migrator.model.TlsSettings(dev.migrator.model.TlsSettings.PREFERRED);
    assertOnly(preflight(aurora), "storage-engine", Finding.BLOCKING, "source");
  }

  @Test
  void definerMissingOnTarget() {
    Finding f = assertOnly(preflight(request(src, dst, "defn")), "definer-missing", Finding.WARNING, "target");
    assertTrue(f.evidence.contains("app@%") && f.evidence.contains("view defn.v"), f.evidence);
  }

  @Test
  void tableWithoutPrimaryKey() {
    Finding f = assertOnly(preflight(request(src, dst, "nokey")), "no-primary-key", Finding.WARNING, "source");
    assertTrue(f.evidence.contains("nokey.events"), f.evidence);
  }

  @Test
  void rowLargerThanTargetMaxAllowedPacket() {
    Finding f = assertOnly(preflight(request(src, dstSmallPacket, "big")), "max-allowed-packet", Finding.BLOCKING,
        "target");
    assertTrue(f.evidence.contains("`big`.`files`") && f.evidence.contains("2020"), f.evidence);
  }

  @Test
  void schemaAlreadyOnTarget() {
    assertOnly(preflight(request(src, dst, "existing")), "target-schema-exists", Finding.BLOCKING, "target");
  }

  @Test
  void schemaMissingOnSource() {
    Finding f = assertOnly(preflight(request(src, dst, "nosuchschema")), "source-schema-missing", Finding.BLOCKING,
        "source");
    assertTrue(f.evidence.contains("1049"), f.evidence);
  }

  @Test
  void wrongPasswordIsExplainedButNeverEchoed() throws IOException {
    MigrationRequest r = request(src, dst, "shop");
    r.source.password = secretFile("wrong.pw", WRONG_PASSWORD);
    PreflightReport report = preflight(r);
    Finding f = assertOnly(report, "connect-access-denied", Finding.BLOCKING, "source");
    assertTrue(f.evidence.contains("1045") && f.evidence.contains("using password: YES"), f.evidence);
    assertTrue(f.evidence.contains(src.host() + ":" + src.port()), "names the endpoint: " + f.evidence);
    String all = PreflightReportFormatter.json(report) + PreflightReportFormatter.text(report) + report.findings;
    assertFalse(all.contains(WRONG_PASSWORD));
  }

  @Test
  void noPasswordSent() {
    MigrationRequest r = request(src, dst, "shop");
    r.source.password = null;
    Finding f = assertOnly(preflight(r), "connect-access-denied", Finding.BLOCKING, "source");
    assertTrue(f.evidence.contains("using password: NO"), f.evidence);
    assertTrue(f.advice.contains("no password was sent"), f.advice);
  }

  @Test
  void passwordReferenceThatCannotBeResolved() {
    MigrationRequest r = request(src, dst, "shop");
    r.target.password = "env:MIGRATOR_PREFLIGHT_TEST_SURELY_UNSET";
    Finding f = assertOnly(preflight(r), "connect-credential", Finding.BLOCKING, "target");
    assertTrue(f.evidence.contains("MIGRATOR_PREFLIGHT_TEST_SURELY_UNSET"), f.evidence);
  }

  @Test
  void portWithNothingListening() throws IOException {
    MigrationRequest r = request(src, dst, "shop");
    r.target.port = closedPort();
    Finding f = assertOnly(preflight(r), "connect-refused", Finding.BLOCKING, "target");
    assertTrue(f.evidence.contains("2003") && f.evidence.contains(":" + r.target.port), f.evidence);
  }

  @Test
  void unknownHost() {
    MigrationRequest r = request(src, dst, "shop");
    r.source.host = "no-such-host.invalid";
    Finding f = assertOnly(preflight(r), "connect-unknown-host", Finding.BLOCKING, "source");
    assertTrue(f.evidence.contains("2005") && f.evidence.contains("no-such-host.invalid"), f.evidence);
  }

  @Test
  void tlsCaFileThatIsNotACertificate() throws IOException {
    MigrationRequest r = request(src, dst, "shop");
    r.target.tlsCaFile = secrets.resolve("not-a-ca.pem").toString();
    Files.writeString(Path.of(r.target.tlsCaFile), "-----BEGIN CERTIFICATE-----\nnot a certificate\n");
    assertOnly(preflight(r), "connect-tls", Finding.BLOCKING, "target");
  }

  @Test
  void tlsRequiredButServerHasNone() {
    assumeTrue(certs != null, "openssl is not installed");
    MigrationRequest r = request(src, dst, "shop");
    r.target.tlsCaFile = certs.ca.toString();
    assertOnly(preflight(r), "connect-tls", Finding.BLOCKING, "target");
  }

  @Test
  void tlsWithThePemCaOfTheServerConnects() {
    assumeTrue(certs != null, "openssl is not installed");
    MigrationRequest r = request(src, dstTls, "shop");
    r.target.tlsCaFile = certs.ca.toString();
    PreflightReport report = preflight(r);
    assertEquals(List.of(), notInfo(report), () -> PreflightReportFormatter.text(report));
  }

  @Test
  void tlsHandshakeFailsAgainstAnotherCa() {
    assumeTrue(certs != null, "openssl is not installed");
    MigrationRequest r = request(src, dstTls, "shop");
    r.target.tlsCaFile = certs.otherCa.toString();
    Finding f = assertOnly(preflight(r), "connect-tls", Finding.BLOCKING, "target");
    assertTrue(f.advice.contains(certs.otherCa.toString()), f.advice);
  }

  @Test
  void preflightChangesNothingOnAnyServer() {
    MigrationRequest r = request(src, dstSmallPacket, "shop", "legacy", "defn", "nokey", "big", "existing");
    r.retentionHours = 72;
    Map<String, List<String>> before = Snapshot.of(src, dstSmallPacket);
    PreflightReport report = preflight(r);
    Map<String, List<String>> after = Snapshot.of(src, dstSmallPacket);
    assertEquals(before, after);
    // It did look at everything: several checks fired.
    List<String> ids = notInfo(report).stream().map(f -> f.id).collect(Collectors.toList());
    assertTrue(ids.containsAll(List.of("storage-engine", "definer-missing", "no-primary-key", "max-allowed-packet",
        "binlog-retention")), ids::toString);
  }
}
