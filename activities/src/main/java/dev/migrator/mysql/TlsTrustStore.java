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
 * servers (RDS/Aurora's region bundles, mysql --ssl-ca) are PEM. A PEM endpoint.tlsCaFile is turned
 * into a PKCS12 trust store in a temp file once per file version; other files are passed through.
 * The store holds public certificates only, so its password is a fixed, non-secret constant.
 */
public final class TlsTrustStore {
  /** Not a secret: the store holds public CA certificates only; Connector/J wants some password. */
  static final String STORE_PASSWORD = "migrator-public-ca";

  private static final Map<String, Path> CONVERTED = new ConcurrentHashMap<>();

  private TlsTrustStore() {}

  /** URL parameters that make Connector/J verify the server against the CA file. */
  public static String urlParameters(String caFile) {
    Path ca = Path.of(caFile);
    if (!isPem(ca)) {
      return "&sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:" + caFile;
    }
    Path store = CONVERTED.computeIfAbsent(key(ca), k -> convert(ca));
    return "&sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:" + store
        + "&trustCertificateKeyStoreType=PKCS12&trustCertificateKeyStorePassword=" + STORE_PASSWORD;
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
