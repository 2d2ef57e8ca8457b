package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TlsSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** source.tls / target.tls: the defaults, the old tlsCaFile, validation messages, JSON compatibility. */
class TlsSettingsValidationTest {
  static final ObjectMapper STRICT = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  static MigrationRequest request() {
    MigrationRequest r = new MigrationRequest();
    r.source = new Endpoint("source.example", 3306, "admin", "env:SOURCE_DB_PASSWORD");
    r.target = new Endpoint("target.example", 3306, "admin", "env:TARGET_DB_PASSWORD");
    r.schemas.add("shop");
    r.replication.password = "env:REPL_PASSWORD";
    return r;
  }

  static List<String> problems(TlsSettings t) {
    MigrationRequest r = request();
    r.source.tls = t;
    return RequestValidator.problems(r);
  }

  static TlsSettings tls(String mode) {
    return new TlsSettings(mode);
  }

  @Test
  void defaultsArePreferredSelfManagedRequiredOnRdsAndVerifyCaWithACa() {
    Endpoint e = new Endpoint("db", 3306, "u", null);
    assertEquals(TlsSettings.PREFERRED, e.effectiveTls().mode);
    e.flavor = "aurora-mysql";
    assertEquals(TlsSettings.REQUIRED, e.effectiveTls().mode);
    e.flavor = "rds-mysql";
    assertEquals(TlsSettings.REQUIRED, e.effectiveTls().mode);
    e.flavor = "mysql";
    e.tlsCaFile = "/etc/ca.pem"; // the older field: verify-ca with that CA
    assertEquals(TlsSettings.VERIFY_CA, e.effectiveTls().mode);
    assertEquals("/etc/ca.pem", e.effectiveTls().caFile);
    e.tls = tls(TlsSettings.VERIFY_IDENTITY);
    assertEquals(TlsSettings.VERIFY_IDENTITY, e.effectiveTls().mode);
    assertEquals("/etc/ca.pem", e.effectiveTls().caFile);
    assertNull(e.tls.caFile, "effectiveTls works on a copy");
    e.tlsCaFile = null;
    e.tls = new TlsSettings();
    e.tls.caFile = "/etc/other.pem";
    assertEquals(TlsSettings.VERIFY_CA, e.effectiveTls().mode);
  }

  @Test
  void validSettingsPass() {
    assertEquals(List.of(), RequestValidator.problems(request()));
    for (String m : TlsSettings.MODES) {
      TlsSettings t = tls(m);
      if (m.startsWith("verify")) t.caFile = "/etc/mysql/rds-global-bundle.pem";
      t.certFile = "/etc/migrator/client.pem";
      t.keyFile = "/etc/migrator/client.key";
      assertEquals(List.of(), problems(t), m);
    }
    TlsSettings sys = tls(TlsSettings.VERIFY_IDENTITY);
    sys.systemCas = true;
    sys.serverName = "db.internal.example";
    assertEquals(List.of(), problems(sys));
    MigrationRequest legacy = request();
    legacy.target.tlsCaFile = "/etc/ca.pem";
    assertEquals(List.of(), RequestValidator.problems(legacy));
  }

  @Test
  void everyMistakeIsNamedWithItsField() {
    List<String> p = problems(tls("VERIFY_FULL"));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("source.tls.mode 'VERIFY_FULL' is unknown") && p.get(0).contains("verify-identity"), p.get(0));
    assertTrue(problems(tls("disabled")).get(0).contains("no mode without TLS"));

    p = problems(tls(TlsSettings.VERIFY_IDENTITY));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("source.tls.mode verify-identity needs a CA") && p.get(0).contains("caFile")
        && p.get(0).contains("systemCas"), p.get(0));

    TlsSettings certOnly = tls(TlsSettings.REQUIRED);
    certOnly.certFile = "/etc/c.pem";
    p = problems(certOnly);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("source.tls.certFile needs source.tls.keyFile"), p.get(0));
    TlsSettings keyOnly = tls(TlsSettings.REQUIRED);
    keyOnly.keyFile = "/etc/c.key";
    assertTrue(problems(keyOnly).get(0).contains("source.tls.keyFile needs source.tls.certFile"));

    TlsSettings caIgnored = tls(TlsSettings.REQUIRED);
    caIgnored.caFile = "/etc/ca.pem";
    assertTrue(problems(caIgnored).get(0).contains("would be ignored"));

    TlsSettings nameIgnored = tls(TlsSettings.VERIFY_CA);
    nameIgnored.caFile = "/etc/ca.pem";
    nameIgnored.serverName = "db.example";
    assertTrue(problems(nameIgnored).get(0).contains("serverName"));

    TlsSettings relative = tls(TlsSettings.VERIFY_CA);
    relative.caFile = "certs/ca.pem";
    assertTrue(problems(relative).get(0).contains("absolute path"));

    MigrationRequest two = request();
    two.source.tlsCaFile = "/etc/a.pem";
    two.source.tls = tls(TlsSettings.VERIFY_CA);
    two.source.tls.caFile = "/etc/b.pem";
    assertTrue(RequestValidator.problems(two).get(0).contains("give the CA once"));

    MigrationRequest frozen = request();
    frozen.method = "stopped-replica";
    frozen.frozenReplica = new Endpoint("replica.example", 3306, "admin", "env:P");
    frozen.frozenReplica.tls = tls("bogus");
    assertTrue(RequestValidator.problems(frozen).get(0).startsWith("frozenReplica.tls.mode 'bogus'"));
  }

  @Test
  void jsonStaysCompatible() throws Exception {
    // A request written before tls existed reads as it did: verify-ca with its tlsCaFile.
    Endpoint old = STRICT.readValue("{\"host\":\"db\",\"port\":3306,\"user\":\"u\",\"password\":\"env:P\","
        + "\"tlsCaFile\":\"/etc/ca.pem\"}", Endpoint.class);
    assertNull(old.tls);
    assertEquals(TlsSettings.VERIFY_CA, old.effectiveTls().mode);
    Endpoint fresh = STRICT.readValue("{\"host\":\"db\",\"tls\":{\"mode\":\"verify-identity\",\"caFile\":\"/etc/ca.pem\","
        + "\"certFile\":\"/c.pem\",\"keyFile\":\"/c.key\",\"serverName\":\"db.example\",\"systemCas\":false,"
        + "\"serverPublicKeyFile\":\"/k.pem\"}}", Endpoint.class);
    assertEquals("db.example", fresh.tls.serverName);
    String json = STRICT.writeValueAsString(fresh);
    assertFalse(json.contains("effectiveTls") || json.contains("demandsTls") || json.contains("verifiesCertificate"), json);
    Endpoint again = STRICT.readValue(json, Endpoint.class);
    assertEquals("/c.key", again.tls.keyFile);
    assertEquals(fresh.effectiveTls().toString(), again.effectiveTls().toString());
  }
}
