package dev.migrator.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.model.Endpoint;
import dev.migrator.model.TlsSettings;
import dev.migrator.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings to Connector/J properties, and PEM client keys in the forms openssl writes, without a
 * server (the real servers are in {@link TlsOnRealServersTest}).
 */
class TlsConfigTest {
  @TempDir static Path tmp;
  static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.make(Files.createDirectories(tmp.resolve("certs")));
  }

  static Endpoint endpoint(String mode) {
    Endpoint e = new Endpoint("10.1.2.3", 3307, "app", "env:X");
    if (mode != null) e.tls = new TlsSettings(mode);
    return e;
  }

  @Test
  void publicKeyRetrievalOnlyWhereTheConnectionCannotBePlaintext() {
    Properties preferred = TlsConfig.properties(endpoint(null), endpoint(null).effectiveTls(), false);
    assertEquals("PREFERRED", preferred.getProperty("sslMode"));
    assertEquals("false", preferred.getProperty("allowPublicKeyRetrieval"));
    Properties insisted = TlsConfig.properties(endpoint(null), endpoint(null).effectiveTls(), true);
    assertEquals("REQUIRED", insisted.getProperty("sslMode"), "seen TLS before: required from then on");
    assertEquals("true", insisted.getProperty("allowPublicKeyRetrieval"));
    Properties required = TlsConfig.properties(endpoint("required"), endpoint("required").effectiveTls(), false);
    assertEquals("REQUIRED", required.getProperty("sslMode"));
    assertEquals("true", required.getProperty("allowPublicKeyRetrieval"));
    assertNull(required.getProperty("trustCertificateKeyStoreUrl"));

    Endpoint pinned = endpoint(null);
    pinned.tls = new TlsSettings();
    pinned.tls.serverPublicKeyFile = certs.ca.toString(); // any readable file: the driver reads it later
    Properties p = TlsConfig.properties(pinned, pinned.effectiveTls(), false);
    assertEquals(certs.ca.toString(), p.getProperty("serverRSAPublicKeyFile"));
    assertEquals("false", p.getProperty("allowPublicKeyRetrieval"));
  }

  @Test
  void verifyModesTrustExactlyTheCaFileAndServerNameRoutesToTheHost() {
    assumeTrue(certs != null, "openssl is not installed");
    Endpoint e = endpoint(TlsSettings.VERIFY_IDENTITY);
    e.tls.caFile = certs.ca.toString();
    Properties p = TlsConfig.properties(e, e.effectiveTls(), false);
    assertEquals("VERIFY_IDENTITY", p.getProperty("sslMode"));
    assertEquals("PKCS12", p.getProperty("trustCertificateKeyStoreType"));
    assertEquals("false", p.getProperty("fallbackToSystemTrustStore"));
    assertNull(p.getProperty("socketFactory"));
    assertTrue(Connector.url(e).startsWith("jdbc:mysql://10.1.2.3:3307/"), Connector.url(e));

    e.tls.serverName = "db.internal.example";
    p = TlsConfig.properties(e, e.effectiveTls(), false);
    assertTrue(Connector.url(e).startsWith("jdbc:mysql://db.internal.example:3307/"), Connector.url(e));
    assertEquals(ServerNameSocketFactory.class.getName(), p.getProperty("socketFactory"));
    assertEquals("migrator_connect_to:10.1.2.3/3307", p.getProperty("connectionAttributes"));
    assertEquals("migrator_connect_to:fe80%3A%3A1/3306", ServerNameSocketFactory.attribute("fe80::1", 3306));

    Endpoint sys = endpoint(TlsSettings.VERIFY_CA);
    sys.tls.systemCas = true;
    assertEquals("true", TlsConfig.properties(sys, sys.effectiveTls(), false).getProperty("fallbackToSystemTrustStore"));

    Endpoint missing = endpoint(TlsSettings.VERIFY_CA);
    missing.tls.caFile = tmp.resolve("no-such-ca.pem").toString();
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> TlsConfig.properties(missing, missing.effectiveTls(), false));
    assertTrue(ex.getMessage().contains("no-such-ca.pem"), ex.getMessage());
  }

  @Test
  void clientKeysInEveryFormOpensslWritesBecomeAKeyStore() throws Exception {
    assumeTrue(certs != null, "openssl is not installed");
    for (String type : List.of("rsa", "rsa-pkcs1", "ec")) {
      Path[] c = certs.client("kind-" + type, "client-" + type, type);
      String head = Files.readString(c[1]);
      assertTrue(head.contains(switch (type) {
        case "rsa" -> "BEGIN PRIVATE KEY";
        case "rsa-pkcs1" -> "BEGIN RSA PRIVATE KEY";
        default -> "BEGIN EC PRIVATE KEY";
      }), type + ": " + head.lines().findFirst().orElse(""));
      X509Certificate cert = ClientKeyStore.certificates(c[0]).get(0);
      PrivateKey key = ClientKeyStore.privateKey(c[1], cert);
      assertEquals(cert.getPublicKey().getAlgorithm(), key.getAlgorithm());
      Path store = ClientKeyStore.store(c[0], c[1]);
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      String password = ClientKeyStore.properties(c[0].toString(), c[1].toString()).get("clientCertificateKeyStorePassword");
      try (var in = Files.newInputStream(store)) {
        ks.load(in, password.toCharArray());
      }
      assertTrue(ks.isKeyEntry("client"), type);
      assertEquals(cert, ks.getCertificate("client"));
    }
  }

  @Test
  void aWrongOrEncryptedKeyIsRefusedNamingTheFileOnly() throws Exception {
    assumeTrue(certs != null, "openssl is not installed");
    Path[] a = certs.client("one", "one", "rsa");
    Path[] b = certs.client("two", "two", "rsa");
    X509Certificate certA = ClientKeyStore.certificates(a[0]).get(0);
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> ClientKeyStore.privateKey(b[1], certA));
    assertTrue(wrong.getMessage().contains(b[1].toString()) && wrong.getMessage().contains("does not belong"),
        wrong.getMessage());
    assertNoKeyMaterial(wrong.getMessage(), b[1]);

    Path enc = tmp.resolve("encrypted.key");
    Process p = new ProcessBuilder("/usr/bin/openssl", "pkcs8", "-topk8", "-in", a[1].toString(), "-out", enc.toString(),
        "-passout", "pass:secret-passphrase").redirectErrorStream(true).start();
    assertEquals(0, p.waitFor());
    IllegalArgumentException encrypted = assertThrows(IllegalArgumentException.class,
        () -> ClientKeyStore.privateKey(enc, certA));
    assertTrue(encrypted.getMessage().contains("is encrypted"), encrypted.getMessage());
    assertFalse(encrypted.getMessage().contains("secret-passphrase"));
    assertNoKeyMaterial(encrypted.getMessage(), enc);

    Path notAKey = tmp.resolve("not-a-key.pem");
    Files.copy(a[0], notAKey);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientKeyStore.privateKey(notAKey, certA))
        .getMessage().contains("holds no PEM private key"));
  }

  /** Not one base64 line of the key file appears in the message. */
  static void assertNoKeyMaterial(String message, Path keyFile) throws Exception {
    for (String line : Files.readAllLines(keyFile)) {
      if (line.startsWith("-----") || line.length() < 16) continue;
      assertFalse(message.contains(line), "key material in: " + message);
      assertFalse(message.contains(line.substring(0, 16)), "key material in: " + message);
    }
  }
}
