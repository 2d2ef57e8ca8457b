package dev.migrator.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.model.Endpoint;
import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.model.TlsSettings;
import dev.migrator.preflight.PreflightReportFormatter;
import dev.migrator.preflight.PreflightRunner;
import dev.migrator.servers.MySqlServer;
import dev.migrator.servers.ServerProcess;
import dev.migrator.testkit.AuroraLikeMySql;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import dev.migrator.testkit.TestCertificates;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS on real servers, with certificates this test makes (a CA, a server certificate for
 * IP:127.0.0.1 and DNS:localhost, client certificates with RSA PKCS#8, RSA PKCS#1 and EC keys):
 *
 * <ul>
 *   <li>{@code aurora}: MySQL 9.7 as the Aurora-like fixture, {@code require_secure_transport=ON};
 *   <li>{@code mysqlPlain}: MySQL 9.7 with TLS turned off ({@code tls_version=''}), the replica;
 *   <li>{@code mariaTls}: MariaDB 10.11 with the test's certificates, {@code require_secure_transport=ON};
 *   <li>{@code mariaPlain}: MariaDB 10.11 without TLS (Debian's default), the replica.
 * </ul>
 *
 * The MySQL tests skip without the MySQL root (unless MIGRATOR_REQUIRE_MYSQL=1); the MariaDB ones
 * run anyway. No message of any failure here may carry a password or a line of a key file
 * ({@link #assertNoSecrets}).
 */
class TlsOnRealServersTest {
  static Path tmp;
  static TestCertificates certs;
  static AuroraLikeMySql aurora;
  static LocalMySql mysqlPlain;
  static LocalMariaDb mariaTls;
  static LocalMariaDb mariaPlain;
  static final String ACCOUNT_PASSWORD = "acct-" + HexFormat.of().formatHex(random(9));
  static Path accountPasswordFile;

  final Connector connector = new Connector(new CredentialResolver());

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("tls-real-servers-");
    certs = TestCertificates.make(Files.createDirectories(tmp.resolve("certs")));
    assumeTrue(certs != null, "openssl is not installed");
    accountPasswordFile = tmp.resolve("account.password");
    Files.writeString(accountPasswordFile, ACCOUNT_PASSWORD);
    Files.setPosixFilePermissions(accountPasswordFile, PosixFilePermissions.fromString("rw-------"));
    boolean mysql = MySqlServer.find().isPresent() || MySqlServer.required();
    CompletableFuture<AuroraLikeMySql> a = !mysql ? null : CompletableFuture.supplyAsync(() -> AuroraLikeMySql.start(
        new AuroraLikeMySql.Options().name("tls-aurora").tls(certs.ca, certs.serverCert, certs.serverKey)));
    CompletableFuture<LocalMySql> b = !mysql ? null : CompletableFuture.supplyAsync(() -> LocalMySql.start(
        new LocalMySql.Options().name("tls-off").gtid(false).config("tls_version=''")));
    CompletableFuture<LocalMariaDb> c = CompletableFuture.supplyAsync(() -> LocalMariaDb.start(new LocalMariaDb.Options()
        .name("tls-maria").tls(certs.ca, certs.serverCert, certs.serverKey).requireSecureTransport(true)));
    CompletableFuture<LocalMariaDb> d = CompletableFuture.supplyAsync(() -> LocalMariaDb.start("tls-maria-plain"));
    mariaTls = c.join();
    mariaPlain = d.join();
    if (a != null) aurora = a.join();
    if (b != null) mysqlPlain = b.join();
    String pw = quote(ACCOUNT_PASSWORD);
    for (LocalServer s : servers()) {
      boolean maria = s.isMariaDb();
      String plugin = maria ? "" : " WITH caching_sha2_password";
      s.sql("SET sql_log_bin = 0",
          "CREATE USER 'cert_user'@'%' IDENTIFIED" + plugin + " BY " + pw + " REQUIRE X509",
          "CREATE USER 'sha2_user'@'%' IDENTIFIED" + plugin + " BY " + pw,
          "CREATE USER 'repl_tls'@'%' IDENTIFIED" + plugin + " BY " + pw + " "
              + ReplicationTls.of(true, null, false, "test").accountRequirement(),
          "GRANT REPLICATION SLAVE ON *.* TO 'repl_tls'@'%'",
          "CREATE USER 'repl_plain'@'%' IDENTIFIED" + plugin + " BY " + pw,
          "GRANT REPLICATION SLAVE ON *.* TO 'repl_plain'@'%'",
          "SET sql_log_bin = 1");
    }
  }

  @AfterAll
  static void stop() {
    for (LocalServer s : servers()) s.close();
    if (tmp != null) ServerProcess.deleteTree(tmp);
  }

  static List<LocalServer> servers() {
    List<LocalServer> l = new ArrayList<>();
    for (LocalServer s : new LocalServer[] {aurora, mysqlPlain, mariaTls, mariaPlain}) if (s != null) l.add(s);
    return l;
  }

  static void assumeMySql() {
    assumeTrue(aurora != null && mysqlPlain != null, MySqlServer.missingMessage());
  }

  // ---- helpers -------------------------------------------------------------------------------

  static Endpoint endpoint(LocalServer s, String mode) {
    Endpoint e = s.endpoint();
    if (mode != null) e.tls = new TlsSettings(mode);
    return e;
  }

  static Endpoint verifying(LocalServer s, String mode, String serverName) {
    Endpoint e = endpoint(s, mode);
    e.tls.caFile = certs.ca.toString();
    e.tls.serverName = serverName;
    return e;
  }

  static Endpoint account(LocalServer s, String user, String mode) {
    Endpoint e = endpoint(s, mode);
    e.user = user;
    e.password = "file:" + accountPasswordFile;
    return e;
  }

  TlsStatus connect(String role, Endpoint e) throws SQLException {
    try (Connection c = connector.openRaw(role, e)) {
      return connector.tls(c);
    }
  }

  <T extends Throwable> T fails(Class<T> type, org.junit.jupiter.api.function.Executable x) {
    T t = assertThrows(type, x);
    for (Throwable c = t; c != null; c = c.getCause()) assertNoSecrets(String.valueOf(c.getMessage()));
    if (t instanceof TlsSetupException ts) assertNoSecrets(ts.advice());
    return t;
  }

  static void await(String what, Duration timeout, BooleanSupplier ok) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (ok.getAsBoolean()) return;
      ServerProcess.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  static Map<String, String> replicaStatus(LocalServer replica) {
    try (Connection c = replica.connect()) {
      return Jdbc.firstRow(c, replica.isMariaDb() ? "SHOW SLAVE STATUS" : "SHOW REPLICA STATUS");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- connections ---------------------------------------------------------------------------

  @Test
  void theDefaultsUseTlsWhereTheServerOffersItAndSayPlaintextClearlyWhereNot() throws Exception {
    TlsStatus maria = connect("source", endpoint(mariaTls, null));
    assertTrue(maria.encrypted(), maria.describe());
    assertTrue(List.of("TLSv1.2", "TLSv1.3").contains(maria.protocol()), maria.describe());
    assertTrue(maria.describe().contains("certificate not verified"), maria.describe());

    TlsStatus plain = connect("target", endpoint(mariaPlain, null));
    assertFalse(plain.encrypted());
    assertEquals("none", plain.protocol());
    assertEquals("target " + mariaPlain.endpoint().address() + ": none (plaintext, tls.mode preferred)", plain.describe());
    assertEquals(List.of("target " + mariaPlain.endpoint().address() + ": connection without TLS (the server offers"
        + " none; tls.mode preferred): rows and statements travel in clear"), connector.plaintextWarnings());
    assertEquals("source: " + maria.protocol() + ", target: none", connector.tlsSummary());
    assertTrue(connector.offersTls("source", endpoint(mariaTls, null)));
    assertFalse(connector.offersTls("target", endpoint(mariaPlain, null)), "the probe sees no CLIENT_SSL");

    if (aurora != null) {
      Endpoint rds = endpoint(aurora, null); // aurora-mysql: required by default
      assertEquals(TlsSettings.REQUIRED, rds.effectiveTls().mode);
      assertTrue(connect("target", rds).encrypted());
      Endpoint self = endpoint(aurora, null);
      self.flavor = "mysql"; // preferred: TLS, because the server offers it
      assertTrue(connect("source", self).encrypted());
      TlsStatus off = connect("target", endpoint(mysqlPlain, null));
      assertFalse(off.encrypted(), off.describe());
    }
  }

  @Test
  void aModeThatNeedsTlsFailsClearlyOnAServerWithout() {
    Endpoint e = endpoint(mariaPlain, TlsSettings.REQUIRED);
    TlsSetupException t = fails(TlsSetupException.class, () -> connector.openRaw("target", e));
    assertEquals(TlsSetupException.Kind.NO_TLS, t.kind());
    assertTrue(t.getMessage().startsWith("target " + e.address() + ": tls.mode required needs TLS, but the server"
        + " offers none"), t.getMessage());
    ApplicationFailure f = fails(ApplicationFailure.class, () -> connector.open("target", e));
    assertTrue(f.isNonRetryable());
    assertEquals("Tls", f.getType());
    assertTrue(f.getOriginalMessage().contains("turn TLS on on the server"), f.getOriginalMessage());
  }

  @Test
  void preferredInsistsOnTlsOnceItHasSeenIt() throws Exception {
    LocalMariaDb.Options o = new LocalMariaDb.Options().name("tls-downgrade").tls(certs.ca, certs.serverCert, certs.serverKey);
    try (LocalMariaDb db = LocalMariaDb.start(o)) {
      Endpoint e = endpoint(db, null);
      assertTrue(connect("source", e).encrypted());
      // The server loses its TLS (or something in between strips it) under a running migration:
      db.stop();
      o.tlsCert = null; // the next start writes its configuration without the certificates
      db.restart();
      TlsSetupException t = fails(TlsSetupException.class, () -> connector.openRaw("source", e));
      assertEquals(TlsSetupException.Kind.NO_TLS, t.kind());
      assertTrue(t.getMessage().contains("this worker connected to it over TLS before")
          && t.getMessage().contains("man in the middle"), t.getMessage());
      // A worker that never saw TLS there connects in clear, and says so.
      Connector fresh = new Connector(new CredentialResolver());
      try (Connection c = fresh.openRaw("source", e)) {
        assertFalse(fresh.tls(c).encrypted());
      }
      assertEquals(1, fresh.plaintextWarnings().size());
    }
  }

  @Test
  void verifyIdentityPassesWithTheRightNameAndFailsClearlyWithAWrongOne() throws Exception {
    List<LocalServer> tls = new ArrayList<>(List.of(mariaTls));
    if (aurora != null) tls.add(aurora);
    for (LocalServer s : tls) {
      TlsStatus byIp = connect("source", verifying(s, TlsSettings.VERIFY_IDENTITY, null));
      assertTrue(byIp.describe().endsWith("certificate and name '127.0.0.1' verified"), byIp.describe());
      TlsStatus byName = connect("source", verifying(s, TlsSettings.VERIFY_IDENTITY, "localhost"));
      assertTrue(byName.describe().endsWith("certificate and name 'localhost' verified"), byName.describe());
      TlsStatus ca = connect("source", verifying(s, TlsSettings.VERIFY_CA, null));
      assertTrue(ca.describe().endsWith("certificate chain verified, name not checked"), ca.describe());

      Endpoint wrong = verifying(s, TlsSettings.VERIFY_IDENTITY, "db.wrong.example");
      TlsSetupException t = fails(TlsSetupException.class, () -> connector.openRaw("source", wrong));
      assertEquals(TlsSetupException.Kind.IDENTITY, t.kind(), t.getMessage());
      String m = t.getMessage();
      assertTrue(m.contains("not for 'db.wrong.example' (tls.serverName, verify-identity): it names"), m);
      assertTrue(m.contains("IP:127.0.0.1") && m.contains("DNS:localhost") && m.contains("CN=127.0.0.1"), m);
      assertTrue(m.contains("issued by CN=preflight-test-ca"), m);
      assertTrue(t.advice().contains("source.tls.serverName"), t.advice());

      Endpoint otherCa = verifying(s, TlsSettings.VERIFY_CA, null);
      otherCa.tls.caFile = certs.otherCa.toString();
      TlsSetupException u = fails(TlsSetupException.class, () -> connector.openRaw("source", otherCa));
      assertEquals(TlsSetupException.Kind.UNTRUSTED, u.kind(), u.getMessage());
      assertTrue(u.getMessage().contains("issued by CN=preflight-test-ca") && u.getMessage().contains("CN=some-other-ca")
          && u.getMessage().contains(certs.otherCa.toString()), u.getMessage());
    }

    // Preflight turns the mismatch into connect-tls, naming both.
    MigrationRequest r = request(verifying(mariaTls, TlsSettings.VERIFY_IDENTITY, "db.wrong.example"),
        endpoint(mariaPlain, null));
    PreflightReport report = new PreflightRunner(connector).run(r);
    Finding f = report.findings.stream().filter(x -> x.id.equals("connect-tls")).findFirst()
        .orElseThrow(() -> new AssertionError(PreflightReportFormatter.text(report)));
    assertEquals(Finding.BLOCKING, f.severity);
    assertTrue(f.evidence.contains("'db.wrong.example'") && f.evidence.contains("DNS:localhost"), f.evidence);
    assertNoSecrets(PreflightReportFormatter.text(report));
  }

  @Test
  void anX509AccountConnectsWithAClientCertificateAndIsRefusedWithout() throws Exception {
    List<LocalServer> tls = new ArrayList<>(List.of(mariaTls));
    if (aurora != null) tls.add(aurora);
    List<Path[]> clients = List.of(new Path[] {certs.clientCert, certs.clientKey},
        certs.client("client-pkcs1", "migrator-client-pkcs1", "rsa-pkcs1"),
        certs.client("client-ec", "migrator-client-ec", "ec"));
    for (LocalServer s : tls) {
      for (Path[] client : clients) {
        Endpoint e = account(s, "cert_user", TlsSettings.VERIFY_IDENTITY);
        e.tls.caFile = certs.ca.toString();
        e.tls.certFile = client[0].toString();
        e.tls.keyFile = client[1].toString();
        try (Connection c = connector.openRaw("source", e)) {
          assertEquals("cert_user@%", Jdbc.scalar(c, "SELECT CURRENT_USER()"));
          assertTrue(connector.tls(c).encrypted());
        }
      }
      Endpoint without = account(s, "cert_user", TlsSettings.VERIFY_IDENTITY);
      without.tls.caFile = certs.ca.toString();
      SQLException refused = fails(SQLException.class, () -> connector.openRaw("source", without));
      assertEquals(1045, refused.getErrorCode(), refused.getMessage());
      ApplicationFailure f = fails(ApplicationFailure.class, () -> connector.open("source", without));
      assertTrue(f.getOriginalMessage().contains("REQUIRE X509") && f.getOriginalMessage().contains("source.tls.certFile"),
          f.getOriginalMessage());

      // A key that is not the certificate's: refused before connecting, naming the files only.
      Endpoint mismatched = account(s, "cert_user", TlsSettings.REQUIRED);
      mismatched.tls.certFile = certs.clientCert.toString();
      mismatched.tls.keyFile = clients.get(1)[1].toString();
      TlsSetupException t = fails(TlsSetupException.class, () -> connector.openRaw("source", mismatched));
      assertEquals(TlsSetupException.Kind.FILES, t.kind());
      assertTrue(t.getMessage().contains("does not belong to the client certificate"), t.getMessage());
    }
  }

  @Test
  void sha2PasswordsTravelOnlyInsideTlsOrToAPinnedKey() throws Exception {
    assumeMySql();
    Endpoint e = account(mysqlPlain, "sha2_user", null); // preferred, and the server offers no TLS
    TlsSetupException t = fails(TlsSetupException.class, () -> connector.openRaw("target", e));
    assertEquals(TlsSetupException.Kind.PUBLIC_KEY, t.kind(), t.getMessage());
    assertTrue(t.getMessage().contains("does not fetch that key over a plaintext connection"), t.getMessage());
    assertTrue(t.advice().contains("target.tls.serverPublicKeyFile"), t.advice());

    String pem = mysqlPlain.queryRows("SHOW GLOBAL STATUS LIKE 'Caching_sha2_password_rsa_public_key'").get(0)
        .split("\t", 2)[1];
    Path key = tmp.resolve("mysql-plain-public.pem");
    Files.writeString(key, pem);
    Endpoint pinned = account(mysqlPlain, "sha2_user", null);
    pinned.tls = new TlsSettings();
    pinned.tls.serverPublicKeyFile = key.toString();
    TlsStatus st = connect("target", pinned);
    assertFalse(st.encrypted(), "plaintext, but the password went RSA-encrypted to the pinned key");

    // Over TLS the same kind of account needs no key at all.
    Endpoint overTls = account(aurora, "sha2_user", TlsSettings.REQUIRED);
    assertTrue(connect("source", overTls).encrypted());
  }

  // ---- replication ---------------------------------------------------------------------------

  static MigrationRequest request(Endpoint source, Endpoint target) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "tls-test";
    r.source = source;
    r.target = target;
    r.schemas = new ArrayList<>(List.of("tlsrepl"));
    return r;
  }

  /** Points {@code replica} at {@code source} with the clause of {@code tls}, as the configurators will. */
  static void changeSource(LocalServer replica, LocalServer source, String user, ReplicationTls tls) throws SQLException {
    String[] pos = source.binlogPosition();
    try (Connection c = replica.connect()) {
      ServerInfo info = ServerInfo.of(c);
      boolean modern = !info.mariadb() && info.atLeast(8, 0, 23);
      Jdbc.exec(c, modern ? "STOP REPLICA" : "STOP SLAVE", modern ? "RESET REPLICA ALL" : "RESET SLAVE ALL");
      String p = modern ? "SOURCE_" : "MASTER_";
      ReplicationTls.Clause clause = tls.changeSourceClause(info);
      String sql = (modern ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ")
          + p + "HOST = ?, " + p + "PORT = ?, " + p + "USER = ?, " + p + "PASSWORD = ?, " + p + "LOG_FILE = ?, "
          + p + "LOG_POS = ?, " + p + "CONNECT_RETRY = 1" + (info.mariadb() ? ", MASTER_USE_GTID = no" : "")
          + clause.sql();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        List<Object> params = new ArrayList<>(List.of("127.0.0.1", source.port(), user, ACCOUNT_PASSWORD, pos[0],
            Long.parseLong(pos[1])));
        params.addAll(clause.params());
        for (int i = 0; i < params.size(); i++) ps.setObject(i + 1, params.get(i));
        ps.execute();
      }
      Jdbc.exec(c, modern ? "START REPLICA" : "START SLAVE");
    }
  }

  static void resetReplica(LocalServer replica) {
    replica.resetReplication();
  }

  /** The channel refused in clear by a require_secure_transport source, then working over TLS with a verified name. */
  void replicatesOverTls(LocalServer source, LocalServer replica) throws Exception {
    String io = replica.isMariaDb() ? "Slave_IO_Running" : "Replica_IO_Running";
    String ioError = replica.isMariaDb() ? "Last_IO_Errno" : "Last_IO_Errno";
    try {
      // Plaintext: refused (the source requires secure transport).
      changeSource(replica, source, "repl_plain", ReplicationTls.forward(request(endpoint(source, null),
          endpoint(replica, null)), false));
      await("the plaintext channel to fail", Duration.ofSeconds(30),
          () -> !"0".equals(replicaStatus(replica).get(ioError)));
      Map<String, String> refused = replicaStatus(replica);
      assertFalse(ReplicationTls.channelEncrypted(refused), refused.toString());
      assertTrue(!"Yes".equals(refused.get(io)) || !"0".equals(refused.get(ioError)), refused.toString());
      resetReplica(replica);

      // The default: TLS because the source offers it; the CA and the name checked because the request says so.
      Endpoint src = verifying(source, TlsSettings.VERIFY_IDENTITY, null);
      MigrationRequest r = request(src, endpoint(replica, null));
      r.replication.sslCaFile = certs.ca.toString(); // the same machine: the replica server reads the test's CA
      ReplicationTls tls = ReplicationTls.forward(r, connector.offersTls("source", src));
      assertTrue(tls.ssl() && tls.verifyServerCert(), tls.describe());
      changeSource(replica, source, "repl_tls", tls);
      source.sql("CREATE DATABASE IF NOT EXISTS tlsrepl", "CREATE TABLE IF NOT EXISTS tlsrepl.t (id INT PRIMARY KEY)",
          "INSERT INTO tlsrepl.t VALUES (1), (2), (3)");
      await("the rows on the replica", Duration.ofSeconds(60), () -> {
        try {
          return "3".equals(replica.query("SELECT COUNT(*) FROM tlsrepl.t"));
        } catch (IllegalStateException notYet) {
          return false;
        }
      });
      Map<String, String> st = replicaStatus(replica);
      assertEquals("Yes", st.get(io), st.toString());
      assertTrue(ReplicationTls.channelEncrypted(st), st.toString());
      assertEquals("Yes", st.get(replica.isMariaDb() ? "Master_SSL_Allowed" : "Source_SSL_Allowed"));
      assertEquals("Yes", st.get(replica.isMariaDb() ? "Master_SSL_Verify_Server_Cert" : "Source_SSL_Verify_Server_Cert"));
      assertEquals(certs.ca.toString(), st.get(replica.isMariaDb() ? "Master_SSL_CA_File" : "Source_SSL_CA_File"));
      if (!replica.isMariaDb()) {
        assertEquals("YES\tYES\t" + certs.ca, replica.query("SELECT CONCAT_WS('\t', SSL_ALLOWED,"
            + " SSL_VERIFY_SERVER_CERTIFICATE, SSL_CA_FILE) FROM performance_schema.replication_connection_configuration"));
        // And the source sees its dump thread on TLS.
        String version = source.query("SELECT s.VARIABLE_VALUE FROM performance_schema.status_by_thread s JOIN"
            + " performance_schema.threads t USING (THREAD_ID) WHERE t.PROCESSLIST_USER = 'repl_tls'"
            + " AND s.VARIABLE_NAME = 'Ssl_version'");
        assertTrue(List.of("TLSv1.2", "TLSv1.3").contains(version), "dump thread: " + version);
      }
    } finally {
      resetReplica(replica);
      replica.sql("DROP DATABASE IF EXISTS tlsrepl");
      source.sql("DROP DATABASE IF EXISTS tlsrepl");
    }
  }

  @Test
  void mySqlReplicatesOverTlsWithTheClauses() throws Exception {
    assumeMySql();
    replicatesOverTls(aurora, mysqlPlain);
  }

  @Test
  void mariaDbReplicatesOverTlsWithTheClauses() throws Exception {
    replicatesOverTls(mariaTls, mariaPlain);
  }

  // ---- preflight -----------------------------------------------------------------------------

  @Test
  void preflightSaysWhereTlsIsMissing() {
    PreflightReport plain = new PreflightRunner(connector).run(request(endpoint(mariaPlain, null), endpoint(mariaTls, null)));
    String text = PreflightReportFormatter.text(plain);
    assertNoSecrets(text);
    Map<String, List<Finding>> byId = plain.findings.stream().filter(f -> f.id.startsWith("tls"))
        .collect(Collectors.groupingBy(f -> f.id));
    Finding p = byId.get("tls-plaintext").get(0);
    assertEquals(Finding.WARNING, p.severity, text);
    assertEquals("source", p.endpoint, text);
    assertTrue(p.evidence.contains("connected WITHOUT TLS (tls.mode preferred): the server offers none"), p.evidence);
    assertEquals(1, byId.get("tls-plaintext").size(), text);
    assertEquals(Finding.INFO, byId.get("tls-unverified").get(0).severity, text);
    assertEquals("target", byId.get("tls-unverified").get(0).endpoint, text);
    Finding repl = byId.get("tls-replication").get(0);
    assertEquals(Finding.WARNING, repl.severity, text);
    assertTrue(repl.evidence.contains("replication without TLS (the source offers no TLS)"), repl.evidence);

    MigrationRequest asked = request(endpoint(mariaPlain, null), endpoint(mariaTls, null));
    asked.replication.ssl = true;
    PreflightReport blocked = new PreflightRunner(connector).run(asked);
    assertTrue(blocked.findings.stream().anyMatch(f -> f.id.equals("tls-replication") && f.severity.equals(Finding.BLOCKING)),
        PreflightReportFormatter.text(blocked));

    PreflightReport good = new PreflightRunner(connector).run(request(verifying(mariaTls, TlsSettings.VERIFY_IDENTITY,
        null), endpoint(mariaPlain, null)));
    String goodText = PreflightReportFormatter.text(good);
    assertTrue(good.findings.stream().anyMatch(f -> f.id.equals("tls") && f.endpoint.equals("source")
        && f.evidence.contains("certificate and name '127.0.0.1' verified")), goodText);
    assertTrue(good.findings.stream().anyMatch(f -> f.id.equals("tls-replication") && f.severity.equals(Finding.INFO)
        && f.evidence.contains("replication over TLS (the source offers TLS")), goodText);
    assertFalse(good.findings.stream().anyMatch(f -> f.id.equals("tls-require-secure-transport")), goodText);
  }

  /** Fails when a message carries a password of this test or a line of one of its key files. */
  static void assertNoSecrets(String m) {
    List<String> secrets = new ArrayList<>(List.of(ACCOUNT_PASSWORD));
    for (LocalServer s : servers()) secrets.add(s.rootPassword());
    if (aurora != null) secrets.add(aurora.adminPassword());
    for (String s : secrets) assertFalse(m.contains(s), "a password in: " + m);
    try (var files = Files.list(certs.dir)) {
      for (Path k : files.filter(f -> f.toString().endsWith(".key")).toList()) {
        for (String line : Files.readAllLines(k)) {
          if (!line.startsWith("-----") && line.length() >= 16) assertFalse(m.contains(line.substring(0, 16)), "key material in: " + m);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
