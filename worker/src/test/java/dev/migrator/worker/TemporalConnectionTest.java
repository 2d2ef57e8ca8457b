package dev.migrator.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemporalConnectionTest {
  @Test
  void readsTheTemporalCliEnvironmentVariables() {
    TemporalConnection c = TemporalConnection.fromEnvironment(Map.ofEntries(
        Map.entry("TEMPORAL_ADDRESS", "ns.acct.tmprl.cloud:7233"), Map.entry("TEMPORAL_NAMESPACE", "ns.acct"),
        Map.entry("TEMPORAL_TLS_CERT", "/certs/client.pem"), Map.entry("TEMPORAL_TLS_KEY", "/certs/client.key"),
        Map.entry("TEMPORAL_TLS_CA", "/certs/ca.pem"), Map.entry("TEMPORAL_TLS_SERVER_NAME", "temporal.internal"),
        Map.entry("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "false"), Map.entry("MIGRATOR_TLS_RELOAD_SECONDS", "5")));
    assertEquals("ns.acct.tmprl.cloud:7233", c.address);
    assertEquals("ns.acct", c.namespace);
    assertEquals("/certs/client.pem", c.tlsCertPath);
    assertEquals("/certs/client.key", c.tlsKeyPath);
    assertEquals("/certs/ca.pem", c.tlsCaPath);
    assertEquals("temporal.internal", c.tlsServerName);
    assertFalse(c.tlsDisableHostVerification);
    assertEquals(Duration.ofSeconds(5), c.tlsReloadInterval);
    assertTrue(c.tlsEnabled(), "TLS settings turn TLS on without TEMPORAL_TLS");
    assertTrue(c.mutualTls());

    TemporalConnection data = TemporalConnection.fromEnvironment(Map.of("TEMPORAL_TLS_CERT_DATA", "-----BEGIN...",
        "TEMPORAL_TLS_KEY_DATA", "-----BEGIN...", "TEMPORAL_TLS_CA_DATA", "-----BEGIN..."));
    assertEquals("-----BEGIN...", data.tlsCertData);
    assertEquals("-----BEGIN...", data.tlsKeyData);
    assertEquals("-----BEGIN...", data.tlsCaData);

    TemporalConnection defaults = TemporalConnection.fromEnvironment(Map.of());
    assertEquals("127.0.0.1:7233", defaults.address);
    assertEquals("default", defaults.namespace);
    assertFalse(defaults.tlsEnabled());
    assertNull(defaults.tls);
  }

  @Test
  void tlsFollowsTheTemporalCliRule() {
    assertTrue(TemporalConnection.fromEnvironment(Map.of("TEMPORAL_TLS", "true")).tlsEnabled());
    assertTrue(TemporalConnection.fromEnvironment(Map.of("TEMPORAL_API_KEY", "k")).tlsEnabled(),
        "an API key turns TLS on");
    assertFalse(TemporalConnection.fromEnvironment(Map.of("TEMPORAL_API_KEY", "k", "TEMPORAL_TLS", "false")).tlsEnabled(),
        "unless TEMPORAL_TLS=false");
    assertThrows(IllegalArgumentException.class, () -> TemporalConnection.fromEnvironment(Map.of("TEMPORAL_TLS", "maybe")));
  }

  @Test
  void inconsistentSettingsAreNamed() {
    TemporalConnection certOnly = TemporalConnection.fromEnvironment(Map.of("TEMPORAL_TLS_CERT", "/c.pem"));
    assertTrue(assertThrows(IllegalArgumentException.class, certOnly::validate).getMessage()
        .contains("a client certificate needs its private key: set TEMPORAL_TLS_KEY"));
    TemporalConnection both = TemporalConnection.fromEnvironment(Map.of("TEMPORAL_TLS_CA", "/ca.pem",
        "TEMPORAL_TLS_CA_DATA", "-----BEGIN CERTIFICATE----- secret-looking"));
    String m = assertThrows(IllegalArgumentException.class, both::validate).getMessage();
    assertTrue(m.contains("TEMPORAL_TLS_CA (--tls-ca-path) and TEMPORAL_TLS_CA_DATA (--tls-ca-data) are exclusive"), m);
    assertFalse(m.contains("secret-looking"), m);
    TemporalConnection off = TemporalConnection.fromEnvironment(Map.of("TEMPORAL_TLS", "false", "TEMPORAL_TLS_CA", "/ca"));
    assertThrows(IllegalArgumentException.class, off::validate);
  }

  @Test
  void apiKeyBecomesABearerTokenAndIsNeverDescribed() {
    TemporalConnection c = TemporalConnection.fromEnvironment(Map.of("TEMPORAL_API_KEY", "very-secret-api-key",
        "TEMPORAL_ADDRESS", "example.tmprl.cloud:7233"));
    WorkflowServiceStubsOptions o = c.serviceStubsOptions().build();
    assertEquals(1, o.getGrpcMetadataProviders().size());
    assertEquals("Bearer very-secret-api-key", o.getGrpcMetadataProviders().iterator().next().getMetadata()
        .get(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER)));
    assertTrue(o.getEnableHttps());
    assertEquals("example.tmprl.cloud:7233 (namespace default, TLS, API key)", c.describe());
    assertFalse(c.toString().contains("very-secret-api-key"));
  }

  @Test
  void plaintextByDefault() {
    WorkflowServiceStubsOptions o = new TemporalConnection("127.0.0.1:7233", "default").serviceStubsOptions().build();
    assertFalse(o.getEnableHttps());
    assertNull(o.getSslContext());
    assertEquals("127.0.0.1:7233 (namespace default, plaintext)", new TemporalConnection("127.0.0.1:7233", "default").describe());
  }

  @Test
  void keysInAFormatTheSdkCannotReadAreExplained() {
    String m = assertThrows(IllegalArgumentException.class, () -> ReloadingTls.privateKey(
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n", "TEMPORAL_TLS_KEY /k.pem")).getMessage();
    assertTrue(m.contains("openssl pkcs8 -topk8 -nocrypt"), m);
    assertFalse(m.contains("MIIE"), m);
    assertNotNull(assertThrows(IllegalArgumentException.class,
        () -> ReloadingTls.certificates("not a certificate", "TEMPORAL_TLS_CA_DATA")).getMessage());
  }
}
