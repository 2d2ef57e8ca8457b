package dev.migrator.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.activities.CutoverActivities;
import dev.migrator.activities.ReplicationActivities;
import dev.migrator.activities.StepInputs;
import dev.migrator.adapters.CutoverActivitiesImpl;
import dev.migrator.adapters.ReplicationActivitiesImpl;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.ChannelTls;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TlsSettings;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.mysql.Jdbc;
import dev.migrator.servers.MySqlServer;
import dev.migrator.servers.ServerProcess;
import dev.migrator.testkit.AuroraLikeMySql;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import dev.migrator.testkit.TestCertificates;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The replication channels' TLS through the real path (ReplicationActivitiesImpl /
 * CutoverActivitiesImpl → Channels → Replica → the dialect's statements), on servers with
 * certificates this test makes and {@code require_secure_transport=ON}: TLS by default wherever
 * the primary offers it, the replica's own status saying so ({@code Source_SSL_Allowed} /
 * {@code Master_SSL_Allowed: Yes}), the account {@code REQUIRE SSL} with REPLICATION SLAVE and
 * REPLICATION CLIENT only, the CA and the name checked when asked, reverse replication encrypted
 * too; MySQL → Aurora-like through the stand-in procedures with {@code ssl_encryption = 1}; and a
 * primary without TLS still replicating, with the warning.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReplicationChannelTlsTest {
  static Path tmp;
  static TestCertificates certs;
  static TestActivityEnvironment env;
  static ReplicationActivities repl;
  static CutoverActivities cutover;

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("channel-tls-");
    certs = TestCertificates.make(Files.createDirectories(tmp.resolve("certs")));
    assumeTrue(certs != null, "openssl is not installed");
    env = TestActivityEnvironment.newInstance();
    Connector connector = new Connector(new CredentialResolver());
    env.registerActivitiesImplementations(new ReplicationActivitiesImpl(connector), new CutoverActivitiesImpl(connector));
    ActivityOptions o = ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(3))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build();
    repl = env.newActivityStub(ReplicationActivities.class, o);
    cutover = env.newActivityStub(CutoverActivities.class, o);
  }

  @AfterAll
  static void stop() {
    if (env != null) env.close();
    if (tmp != null) ServerProcess.deleteTree(tmp);
  }

  // ---- servers -------------------------------------------------------------------------------

  static void assumeMySql() {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
  }

  /** MySQL 9.7 with the test's certificates and require_secure_transport=ON (GTIDs off, as Aurora's default). */
  static LocalMySql mysqlTls(String name) {
    return LocalMySql.start(new LocalMySql.Options().name(name).gtid(false)
        .config("ssl_ca=" + certs.ca).config("ssl_cert=" + certs.serverCert).config("ssl_key=" + certs.serverKey)
        .config("require_secure_transport=ON"));
  }

  static LocalMariaDb mariaTls(String name) {
    return LocalMariaDb.start(new LocalMariaDb.Options().name(name).tls(certs.ca, certs.serverCert, certs.serverKey)
        .requireSecureTransport(true));
  }

  static MigrationRequest request(String schema, LocalServer src, LocalServer dst) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = schema;
    r.source = src.endpoint();
    r.target = dst.endpoint();
    r.schemas.add(schema);
    r.replication.password = src.rootPasswordRef();
    r.replication.pollSeconds = 1;
    r.replication.connectRetrySeconds = 1;
    r.cutover.drainTimeoutSeconds = 60;
    return r;
  }

  static void createTables(String schema, LocalServer... servers) {
    for (LocalServer s : servers) {
      s.sql("SET SESSION sql_log_bin = 0", "CREATE DATABASE IF NOT EXISTS " + schema,
          "CREATE TABLE IF NOT EXISTS " + schema + ".t (id INT PRIMARY KEY, side VARCHAR(16))");
    }
  }

  static BinlogCoordinates position(LocalServer s) {
    String[] p = s.binlogPosition();
    return new BinlogCoordinates(p[0], Long.parseLong(p[1]), null);
  }

  static Map<String, String> replicaStatus(LocalServer s) throws Exception {
    try (Connection c = s.connect()) {
      return Jdbc.firstRow(c, s.isMariaDb() ? "SHOW SLAVE STATUS" : "SHOW REPLICA STATUS");
    }
  }

  static String col(LocalServer s, String mysqlName, String mariaName) {
    return s.isMariaDb() ? mariaName : mysqlName;
  }

  // ---- what every encrypted channel must show ------------------------------------------------------

  /** Forward replication of three rows over TLS; returns the activity's report. */
  static ChannelTls replicateForward(MigrationRequest r, LocalServer src, LocalServer dst) throws Exception {
    String schema = r.schemas.get(0);
    createTables(schema, src, dst);
    BinlogCoordinates from = position(src);
    assertTrue(repl.ensureReplicationUser(StepInputs.replication(r)), "the account is created by migrator");
    ChannelTls tls = repl.startReplication(StepInputs.replication(r), from);
    src.sql("INSERT INTO " + schema + ".t VALUES (1, 'source'), (2, 'source'), (3, 'source')");
    LagReading l = repl.awaitCatchUp(StepInputs.replication(r), 90);
    assertNull(l.errorKind, () -> "replication error: " + l.diagnosis);
    assertTrue(l.caughtUp, () -> "not caught up: " + l.progress + " " + l.diagnosis);
    assertEquals("3", dst.query("SELECT COUNT(*) FROM " + schema + ".t"));
    return tls;
  }

  static void assertEncrypted(ChannelTls tls, LocalServer replica) throws Exception {
    assertTrue(tls.tls, tls.description);
    assertEquals(Boolean.TRUE, tls.replicaSaysEncrypted, tls.description);
    Map<String, String> st = replicaStatus(replica);
    assertEquals("Yes", st.get(col(replica, "Source_SSL_Allowed", "Master_SSL_Allowed")), st.toString());
    assertEquals("Yes", st.get(col(replica, "Replica_IO_Running", "Slave_IO_Running")), st.toString());
    assertEquals("0", st.get("Last_IO_Errno"), st.toString());
  }

  /** The replication account on {@code primary}: REQUIRE SSL (or NONE), REPLICATION SLAVE + CLIENT and nothing else. */
  static void assertAccount(LocalServer primary, boolean requireSsl) {
    assertEquals(requireSsl ? "ANY" : "", primary.query(
        "SELECT ssl_type FROM mysql.user WHERE User = 'migrator_repl' AND Host = '%'"));
    List<String> grants = primary.queryRows("SHOW GRANTS FOR 'migrator_repl'@'%'");
    assertEquals(1, grants.size(), grants.toString());
    Matcher m = Pattern.compile("^GRANT (.+?) ON \\*\\.\\* TO ").matcher(grants.get(0));
    assertTrue(m.find(), grants.toString());
    Set<String> privileges = new TreeSet<>(Arrays.stream(m.group(1).split(",")).map(String::trim).toList());
    // MariaDB 10.5+ names REPLICATION CLIENT "BINLOG MONITOR".
    Set<String> expected = new TreeSet<>(primary.isMariaDb() && privileges.contains("BINLOG MONITOR")
        ? List.of("BINLOG MONITOR", "REPLICATION SLAVE") : List.of("REPLICATION CLIENT", "REPLICATION SLAVE"));
    assertEquals(expected, privileges, grants.toString());
  }

  /** After cutover: the old source replicates from the target, over TLS; a write on the target comes back. */
  static void reverseOverTls(MigrationRequest r, LocalServer src, LocalServer dst) throws Exception {
    String schema = r.schemas.get(0);
    repl.stopAndResetReplication(StepInputs.replication(r));
    BinlogCoordinates from = cutover.targetPosition(StepInputs.cutover(r));
    ChannelTls tls = cutover.startReverseReplication(StepInputs.cutover(r), from);
    try {
      dst.sql("INSERT INTO " + schema + ".t VALUES (100, 'target')");
      cutover.waitForSourcePosition(StepInputs.cutover(r), cutover.targetPosition(StepInputs.cutover(r)));
      assertEquals("target", src.query("SELECT side FROM " + schema + ".t WHERE id = 100"));
      assertEncrypted(tls, src);
      assertTrue(tls.warnings.stream().noneMatch(w -> w.contains("without TLS")), tls.warnings.toString());
      assertEquals("REQUIRE SSL", tls.accountRequirement);
      assertAccount(dst, true);
    } finally {
      cutover.stopReverseReplication(StepInputs.cutover(r));
    }
  }

  // ---- tests ---------------------------------------------------------------------------------

  @Test
  void mySqlToMySqlOverTlsWithTheCaAndTheNameCheckedAndBackOverTls() throws Exception {
    assumeMySql();
    try (LocalMySql src = mysqlTls("ctls-src"); LocalMySql dst = mysqlTls("ctls-dst")) {
      MigrationRequest r = request("ctls_my", src, dst);
      r.source.tls = new TlsSettings(TlsSettings.VERIFY_IDENTITY);
      r.source.tls.caFile = certs.ca.toString();
      r.replication.sslCaFile = certs.ca.toString(); // a path on the target server: the same machine here
      ChannelTls tls = replicateForward(r, src, dst);
      assertEncrypted(tls, dst);
      assertEquals("REQUIRE SSL", tls.accountRequirement);
      assertEquals(List.of(), tls.warnings, "TLS with a checked certificate: nothing to warn about");
      assertTrue(tls.description.contains("name verified"), tls.description);
      Map<String, String> st = replicaStatus(dst);
      assertEquals("Yes", st.get("Source_SSL_Verify_Server_Cert"), st.toString());
      assertEquals(certs.ca.toString(), st.get("Source_SSL_CA_File"), st.toString());
      assertAccount(src, true);
      // The source sees the replica's dump thread on TLS.
      String version = src.query("SELECT s.VARIABLE_VALUE FROM performance_schema.status_by_thread s JOIN"
          + " performance_schema.threads t USING (THREAD_ID) WHERE t.PROCESSLIST_USER = 'migrator_repl'"
          + " AND s.VARIABLE_NAME = 'Ssl_version'");
      assertTrue(List.of("TLSv1.2", "TLSv1.3").contains(version), "dump thread: " + version);
      reverseOverTls(r, src, dst);
    }
  }

  @Test
  void mariaDbToMariaDbOverTlsByDefaultAndBackOverTls() throws Exception {
    try (LocalMariaDb src = mariaTls("ctls-msrc"); LocalMariaDb dst = mariaTls("ctls-mdst")) {
      MigrationRequest r = request("ctls_ma", src, dst);
      ChannelTls tls = replicateForward(r, src, dst);
      assertEncrypted(tls, dst);
      assertFalse(tls.required, "chosen because the source offers TLS, not asked for");
      assertEquals("REQUIRE SSL", tls.accountRequirement);
      assertEquals(1, tls.warnings.size(), tls.warnings.toString());
      assertTrue(tls.warnings.get(0).contains("without checking the primary's certificate"), tls.warnings.toString());
      assertEquals("No", replicaStatus(dst).get("Master_SSL_Verify_Server_Cert"));
      assertAccount(src, true);
      reverseOverTls(r, src, dst);
    }
  }

  @Test
  void aSourceWithoutTlsStillReplicatesWithTheWarning() throws Exception {
    try (LocalMariaDb src = LocalMariaDb.start("ctls-plain"); LocalMariaDb dst = LocalMariaDb.start("ctls-plain-dst")) {
      MigrationRequest r = request("ctls_plain", src, dst);
      ChannelTls tls = replicateForward(r, src, dst);
      assertFalse(tls.tls, tls.description);
      assertEquals(Boolean.FALSE, tls.replicaSaysEncrypted);
      assertEquals("replication without TLS (the source offers no TLS)", tls.description);
      assertTrue(tls.warnings.get(0).startsWith("replication runs without TLS"), tls.warnings.toString());
      assertEquals("REQUIRE NONE", tls.accountRequirement);
      assertEquals("No", replicaStatus(dst).get("Master_SSL_Allowed"));
      assertAccount(src, false);
      repl.stopAndResetReplication(StepInputs.replication(r));
    }
  }

  @Test
  void mySqlWithoutTlsReplicatesWithTheSourcesRsaKeyAndTheWarning() throws Exception {
    assumeMySql();
    try (LocalMySql src = LocalMySql.start(new LocalMySql.Options().name("ctls-myplain").gtid(false)
        .config("tls_version=''")); LocalMySql dst = LocalMySql.start(new LocalMySql.Options().name("ctls-myplain-dst")
        .gtid(false))) {
      MigrationRequest r = request("ctls_myplain", src, dst);
      ChannelTls tls = replicateForward(r, src, dst);
      assertFalse(tls.tls, tls.description);
      assertTrue(tls.warnings.get(0).startsWith("replication runs without TLS"), tls.warnings.toString());
      Map<String, String> st = replicaStatus(dst);
      assertEquals("No", st.get("Source_SSL_Allowed"), st.toString());
      assertEquals("1", st.get("Get_Source_public_key"),
          "caching_sha2_password without TLS: the replica fetches the source's RSA key: " + st);
      assertAccount(src, false);
      repl.stopAndResetReplication(StepInputs.replication(r));
    }
  }

  @Test
  void mySqlToAuroraLikeThroughTheRdsProceduresWithSslEncryption() throws Exception {
    assumeMySql();
    try (LocalMySql src = mysqlTls("ctls-asrc"); AuroraLikeMySql aurora = AuroraLikeMySql.start(
        new AuroraLikeMySql.Options().name("ctls-aurora").config("replicate-wild-do-table=ctls_au.%"))) {
      MigrationRequest r = request("ctls_au", src, aurora);
      ChannelTls tls = replicateForward(r, src, aurora);
      assertEncrypted(tls, aurora);
      assertNotNull(tls.description);
      assertEquals("REQUIRE SSL", tls.accountRequirement);
      assertAccount(src, true);
      repl.stopAndResetReplication(StepInputs.replication(r));
      assertTrue(aurora.queryRows("SHOW REPLICA STATUS").isEmpty(), "rds_reset_external_source");
    }
  }
}
