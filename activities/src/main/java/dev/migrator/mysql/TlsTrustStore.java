package dev.migrator.mysql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connector/J reads its trust store only as a Java key store (JKS/PKCS12), while CA files for MySQL
 * servers (RDS/Aurora's region bundles, mysql --ssl-ca) are PEM. A PEM CA file (tls.caFile) is turned
 * into a PKCS12 trust store in a temp file once per file version; other files are passed through.
 * The store holds public certificates only, so its password is a fixed, non-secret constant.
 */
public final class TlsTrustStore {
  /** Not a secret: the store holds public CA certificates only; Connector/J wants some password. */
  static final String STORE_PASSWORD = "migrator-public-ca";

  private static final Map<String, Path> CONVERTED = new ConcurrentHashMap<>();

  private TlsTrustStore() {}

  /**
   * The Connector/J properties that make it trust exactly the CAs of this file (PEM bundle, or a
   * JKS/PKCS12 store passed through as it is) and not the JVM's own.
   */
  public static Map<String, String> properties(String caFile) {
    Path ca = Path.of(caFile);
    if (!Files.isReadable(ca)) {
      throw new IllegalArgumentException("cannot read the CA file " + caFile + " on the worker: check the path and"
          + " that the worker's user may read it");
    }
    if (!isPem(ca)) {
      return Map.of("trustCertificateKeyStoreUrl", "file:" + caFile, "fallbackToSystemTrustStore", "false");
    }
    Path store = CONVERTED.computeIfAbsent(key(ca), k -> convert(ca));
    return Map.of("trustCertificateKeyStoreUrl", "file:" + store, "trustCertificateKeyStoreType", "PKCS12",
        "trustCertificateKeyStorePassword", STORE_PASSWORD, "fallbackToSystemTrustStore", "false");
  }

  /** The certificates of a PEM CA file (for messages that name what the file trusts). */
  static java.util.List<java.security.cert.X509Certificate> certificates(String caFile) {
    try (InputStream in = Files.newInputStream(Path.of(caFile))) {
      java.util.List<java.security.cert.X509Certificate> out = new java.util.ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((java.security.cert.X509Certificate) c);
      }
      return out;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return java.util.List.of();
    }
  }

  static boolean isPem(Path ca) {
    try (InputStream in = Files.newInputStream(ca)) {
      byte[] head = in.readNBytes(64);
      return new String(head, StandardCharsets.US_ASCII).stripLeading().startsWith("-----BEGIN");
    } catch (IOException e) {
      return false; // let the driver report the unreadable file
    }
  }

  private static String key(Path ca) {
    try {
      return ca.toAbsolutePath() + "@" + Files.getLastModifiedTime(ca).toMillis() + "/" + Files.size(ca);
    } catch (IOException e) {
      return ca.toAbsolutePath().toString();
    }
  }

  private static Path convert(Path ca) {
    try (InputStream in = Files.newInputStream(ca)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) ks.setCertificateEntry("ca-" + i++, c);
      Path store = Files.createTempFile("migrator-ca-", ".p12");
      store.toFile().deleteOnExit();
      try (OutputStream out = Files.newOutputStream(store)) {
        ks.store(out, STORE_PASSWORD.toCharArray());
      }
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CA file " + ca, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the CA file " + ca + " holds no readable PEM certificate: " + e.getMessage(), e);
    }
  }
}
