package dev.migrator.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TlsSettings;
import dev.migrator.mysql.ReplicationTls.Clause;
import dev.migrator.mysql.ReplicationTls.ReplicaKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replication channel's TLS: defaults from the request and the source, the clause per server kind. */
class ReplicationTlsTest {
  static final ServerInfo MYSQL_97 = new ServerInfo("9.7.0", false, 9, 7, 0);
  static final ServerInfo MYSQL_8022 = new ServerInfo("8.0.22", false, 8, 0, 22);
  static final ServerInfo MARIADB = new ServerInfo("10.11.9-MariaDB", true, 10, 11, 9);

  static MigrationRequest request() {
    MigrationRequest r = new MigrationRequest();
    r.source = new Endpoint("source.example", 3306, "admin", "env:S");
    r.target = new Endpoint("target.example", 3306, "admin", "env:T");
    return r;
  }

  @Test
  void tlsWheneverTheSourceOffersItAndPlaintextSaidOutLoudOtherwise() {
    ReplicationTls on = ReplicationTls.forward(request(), true);
    assertTrue(on.ssl());
    assertFalse(on.required());
    assertEquals("the source offers TLS", on.reason());
    assertEquals(new Clause(", SOURCE_SSL = 1, SOURCE_SSL_VERIFY_SERVER_CERT = 0", List.of()), on.changeSourceClause(MYSQL_97));
    assertEquals(1, on.rdsSslEncryption());
    assertEquals("REQUIRE SSL", on.accountRequirement());
    assertTrue(on.warnings().get(0).contains("without checking"), on.warnings().toString());

    ReplicationTls off = ReplicationTls.forward(request(), false);
    assertFalse(off.ssl());
    assertEquals(new Clause(", SOURCE_SSL = 0", List.of()), off.changeSourceClause(MYSQL_97));
    assertEquals(new Clause(", MASTER_SSL = 0", List.of()), off.changeSourceClause(MYSQL_8022));
    assertEquals(new Clause(", MASTER_SSL = 0, MASTER_SSL_VERIFY_SERVER_CERT = 0", List.of()), off.changeSourceClause(MARIADB));
    assertEquals(0, off.rdsSslEncryption());
    assertEquals("REQUIRE NONE", off.accountRequirement());
    assertEquals("replication without TLS (the source offers no TLS)", off.describe());
    assertTrue(off.warnings().get(0).contains("in clear"), off.warnings().toString());
  }

  @Test
  void askedForTlsWithACaOnTheTargetServer() {
    MigrationRequest r = request();
    r.replication.sslCaFile = "/etc/mysql/source-ca.pem";
    ReplicationTls t = ReplicationTls.forward(r, false); // asked for: TLS even when the worker saw none
    assertTrue(t.ssl() && t.required());
    assertFalse(t.verifyServerCert(), "the source endpoint is not verify-identity: the name is not checked");
    assertEquals(new Clause(", SOURCE_SSL = 1, SOURCE_SSL_CA = ?, SOURCE_SSL_VERIFY_SERVER_CERT = 0",
        List.of("/etc/mysql/source-ca.pem")), t.changeSourceClause(MYSQL_97));
    assertEquals(new Clause(", MASTER_SSL = 1, MASTER_SSL_CA = ?, MASTER_SSL_VERIFY_SERVER_CERT = 0",
        List.of("/etc/mysql/source-ca.pem")), t.changeSourceClause(MARIADB));
    assertEquals(List.of(), t.warnings());

    r.source.tls = new TlsSettings(TlsSettings.VERIFY_IDENTITY);
    r.source.tls.caFile = "/worker/ca.pem";
    ReplicationTls v = ReplicationTls.forward(r, true);
    assertTrue(v.verifyServerCert());
    assertEquals(new Clause(", MASTER_SSL = 1, MASTER_SSL_CA = ?, MASTER_SSL_VERIFY_SERVER_CERT = 1",
        List.of("/etc/mysql/source-ca.pem")), v.changeSourceClause(MYSQL_8022));
    assertTrue(v.describe().contains("name verified"), v.describe());

    // The replica reaches the source by another name, or the worker checks an override: name not checked.
    r.source.replicationHost = "10.0.0.5";
    assertFalse(ReplicationTls.forward(r, true).verifyServerCert());
    r.source.replicationHost = null;
    r.source.tls.serverName = "db.internal";
    assertFalse(ReplicationTls.forward(r, true).verifyServerCert());

    r.replication.sslCaFile = null;
    r.replication.ssl = true;
    assertEquals("replication.ssl", ReplicationTls.forward(r, false).reason());
  }

  @Test
  void rdsReplicasTakeTheProcedureArgumentAndNoCa() {
    MigrationRequest r = request();
    r.target.flavor = "aurora-mysql";
    r.replication.ssl = true;
    ReplicationTls t = ReplicationTls.forward(r, true);
    assertEquals(1, t.rdsSslEncryption());
    assertEquals(null, t.caFile());
    assertEquals(ReplicaKind.RDS, ReplicationTls.kindOf(MYSQL_97, true));
    assertThrows(IllegalArgumentException.class, () -> t.changeSourceClause(ReplicaKind.RDS));
  }

  @Test
  void reverseReplicationHasNoCaOfItsOwn() {
    MigrationRequest r = request();
    r.replication.sslCaFile = "/etc/mysql/source-ca.pem"; // a path on the target server: not for the reverse channel
    ReplicationTls rev = ReplicationTls.reverse(r, true);
    assertTrue(rev.ssl());
    assertEquals(new Clause(", SOURCE_SSL = 1, SOURCE_SSL_VERIFY_SERVER_CERT = 0", List.of()), rev.changeSourceClause(MYSQL_97));
    assertFalse(ReplicationTls.reverse(request(), false).ssl());
  }

  @Test
  void theReplicaStatusSaysWhetherTheChannelIsEncrypted() {
    assertTrue(ReplicationTls.channelEncrypted(Map.of("Source_SSL_Allowed", "Yes")));
    assertTrue(ReplicationTls.channelEncrypted(Map.of("Master_SSL_Allowed", "Yes")));
    assertFalse(ReplicationTls.channelEncrypted(Map.of("Master_SSL_Allowed", "No")));
    assertFalse(ReplicationTls.channelEncrypted(null));
  }
}
