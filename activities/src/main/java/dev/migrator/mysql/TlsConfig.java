package dev.migrator.mysql;

import dev.migrator.model.Endpoint;
import dev.migrator.model.TlsSettings;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Endpoint TLS settings ({@link Endpoint#effectiveTls()}) as Connector/J properties, and TLS
 * failures as {@link TlsSetupException}s that say what the certificate holds.
 *
 * <table>
 *   <caption>mode to Connector/J</caption>
 *   <tr><th>tls.mode</th><th>sslMode</th><th>allowPublicKeyRetrieval</th></tr>
 *   <tr><td>preferred</td><td>PREFERRED (REQUIRED once this worker saw TLS from the address)</td><td>false</td></tr>
 *   <tr><td>required</td><td>REQUIRED</td><td>true (the connection is TLS, so the key is never fetched in clear)</td></tr>
 *   <tr><td>verify-ca</td><td>VERIFY_CA + trust store</td><td>true</td></tr>
 *   <tr><td>verify-identity</td><td>VERIFY_IDENTITY + trust store (+ serverName)</td><td>true</td></tr>
 * </table>
 *
 * <p>A pinned {@code serverPublicKeyFile} becomes {@code serverRSAPublicKeyFile} in every mode.
 * Over TLS, Connector/J sends caching_sha2_password/sha256_password passwords inside the
 * encrypted channel and never needs the server's RSA key; without TLS it needs that key, and
 * fetching it over plaintext lets a man in the middle hand out its own and read the password:
 * so it is fetched only where the connection cannot be plaintext.
 */
public final class TlsConfig {
  private TlsConfig() {}

  /** The host in the JDBC URL: the name the certificate is checked against. */
  public static String urlHost(Endpoint e, TlsSettings t) {
    return routed(t) ? t.serverName : e.host;
  }

  /** verify-identity against a name other than the host (see {@link ServerNameSocketFactory}). */
  static boolean routed(TlsSettings t) {
    return TlsSettings.VERIFY_IDENTITY.equals(t.mode) && t.serverName != null && !t.serverName.isBlank();
  }

  /**
   * The TLS properties of a connection to {@code e}. {@code insist}: a preferred endpoint this
   * worker has seen TLS from already (TLS becomes required). Throws IllegalArgumentException
   * (paths only) when a file cannot be used.
   */
  public static Properties properties(Endpoint e, TlsSettings t, boolean insist) {
    Properties p = new Properties();
    String mode = switch (t.mode) {
      case TlsSettings.REQUIRED -> "REQUIRED";
      case TlsSettings.VERIFY_CA -> "VERIFY_CA";
      case TlsSettings.VERIFY_IDENTITY -> "VERIFY_IDENTITY";
      default -> insist ? "REQUIRED" : "PREFERRED";
    };
    p.setProperty("sslMode", mode);
    p.setProperty("allowPublicKeyRetrieval", String.valueOf(!"PREFERRED".equals(mode)));
    if (t.verifiesCertificate()) {
      if (t.caFile != null && !t.caFile.isBlank()) {
        p.putAll(TlsTrustStore.properties(t.caFile));
      } else {
        p.setProperty("fallbackToSystemTrustStore", "true"); // systemCas: the JVM's cacerts
      }
    }
    if (t.hasClientCertificate()) p.putAll(ClientKeyStore.properties(t.certFile, t.keyFile));
    if (t.serverPublicKeyFile != null && !t.serverPublicKeyFile.isBlank()) {
      if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(t.serverPublicKeyFile))) {
        throw new IllegalArgumentException("cannot read the server public key file " + t.serverPublicKeyFile
            + " on the worker");
      }
      p.setProperty("serverRSAPublicKeyFile", t.serverPublicKeyFile);
    }
    if (routed(t)) {
      p.setProperty("socketFactory", ServerNameSocketFactory.class.getName());
      p.setProperty("connectionAttributes", ServerNameSocketFactory.attribute(e.host, e.port));
    }
    return p;
  }

  /** A file problem found before connecting. */
  static TlsSetupException files(String role, Endpoint e, TlsSettings t, RuntimeException ex) {
    return new TlsSetupException(TlsSetupException.Kind.FILES, role + " " + e.address() + ": TLS cannot be set up: "
        + ex.getMessage(), "fix the files of " + role + ".tls (" + t + "): each is a path on the worker, readable by"
        + " the worker's user", ex);
  }

  /**
   * The driver's exception as a {@link TlsSetupException} when TLS caused it, else {@code ex}
   * itself. Probes the server (no login) to name what its certificate holds.
   */
  static SQLException explain(String role, Endpoint e, TlsSettings t, boolean insisted, SQLException ex) {
    String where = role + " " + e.address();
    String all = messages(ex);
    String lower = all.toLowerCase(Locale.ROOT);
    if (lower.contains("public key retrieval is not allowed")) {
      return new TlsSetupException(TlsSetupException.Kind.PUBLIC_KEY, where + ": user '" + e.user + "' authenticates"
          + " with caching_sha2_password or sha256_password and this connection runs without TLS: the password can"
          + " only travel encrypted with the server's RSA public key, and migrator does not fetch that key over a"
          + " plaintext connection (a man in the middle could hand out its own)",
          "turn TLS on on the server (then the password travels inside TLS), or pin the server's key: save the value"
              + " of SHOW GLOBAL STATUS LIKE 'Caching_sha2_password_rsa_public_key' (read over a trusted connection)"
              + " as a PEM file on the worker and set " + role + ".tls.serverPublicKeyFile", ex);
    }
    boolean identity = lower.contains("server identity verification failed");
    boolean untrusted = has(ex, CertPathValidatorException.class) || has(ex, CertPathBuilderException.class)
        || lower.contains("pkix path") || lower.contains("unable to find valid certification path");
    boolean noTls = lower.contains("not supported by server") || (lower.contains("ssl") && lower.contains("not support"))
        || lower.contains("server doesn't support ssl") || lower.contains("server does not support ssl");
    boolean tlsRelated = identity || untrusted || noTls || has(ex, javax.net.ssl.SSLException.class)
        || lower.contains("ssl") || lower.contains("tls") || lower.contains("certificate");
    if (!tlsRelated) return ex;
    TlsProbe.Result seen = TlsProbe.probe(e.host, e.port, 5000);
    if (identity) {
      String expected = urlHost(e, t);
      List<String> names = seen.names();
      return new TlsSetupException(TlsSetupException.Kind.IDENTITY, where + ": the server's certificate is not for '"
          + expected + "'" + (routed(t) ? " (tls.serverName, verify-identity)" : " (verify-identity)") + ": it names "
          + (names.isEmpty() ? "no DNS or IP name at all" : String.join(", ", names))
          + (seen.issuer() == null ? "" : ", issued by " + seen.issuer()),
          "connect by a name the certificate carries: set " + role + ".host to it, or keep the host and set "
              + role + ".tls.serverName to one of " + (names.isEmpty() ? "its names" : names)
              + "; or give the server a certificate for '" + expected + "'", ex);
    }
    if (untrusted) {
      String trust = t.caFile != null && !t.caFile.isBlank() ? "the CA file " + t.caFile : "the JVM's trusted CAs";
      List<X509Certificate> cas = t.caFile == null ? List.of() : TlsTrustStore.certificates(t.caFile);
      return new TlsSetupException(TlsSetupException.Kind.UNTRUSTED, where + ": the server's certificate"
          + (seen.subject() == null ? "" : " (" + seen.subject() + ", issued by " + seen.issuer() + ")")
          + " is not signed by a CA in " + trust
          + (cas.isEmpty() ? "" : " (" + cas.stream().limit(5).map(c -> c.getSubjectX500Principal().getName())
              .collect(Collectors.joining("; ")) + (cas.size() > 5 ? "; and " + (cas.size() - 5) + " more" : "") + ")"),
          (t.caFile != null && !t.caFile.isBlank() ? "replace " + t.caFile + " by" : "set " + role + ".tls.caFile to")
              + " the CA that issued the server's certificate (RDS/Aurora: the global-bundle.pem of the region,"
              + " from AWS's certificate page); check with: openssl s_client"
              + " -starttls mysql -connect " + e.address() + " -CAfile <ca.pem>", ex);
    }
    if (noTls || (seen.error() == null && !seen.offersTls())) {
      return new TlsSetupException(TlsSetupException.Kind.NO_TLS, where + ": tls.mode " + t.mode
          + (insisted ? " (TLS required: this worker connected to it over TLS before)" : "")
          + " needs TLS, but the server offers none" + (insisted ? ": TLS was turned off on the server, or"
              + " something between the worker and the server strips it (a man in the middle downgrading the"
              + " connection)" : ""),
          "turn TLS on on the server (ssl_cert and ssl_key; MySQL 8+ makes its own certificates at initialise),"
              + " or, if it cannot have TLS, set " + role + ".tls.mode preferred: the connection then runs without"
              + " TLS and preflight and the status say so", ex);
    }
    return new TlsSetupException(TlsSetupException.Kind.HANDSHAKE, where + ": TLS could not be set up ("
        + firstLine(deepestTlsMessage(ex)) + ")" + (seen.protocol() == null ? "" : "; the server speaks "
        + seen.protocol()) + (t.hasClientCertificate() ? "; client certificate " + t.certFile : ""),
        "connect with the mysql client from the worker with the same settings (--ssl-mode, --ssl-ca, --ssl-cert,"
            + " --ssl-key) to see the server's side; check tls_version on the server (TLSv1.2 or TLSv1.3)", ex);
  }

  private static String deepestTlsMessage(Throwable t) {
    String m = t.getMessage();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException && c.getMessage() != null) m = c.getMessage();
    }
    return String.valueOf(m);
  }

  private static String messages(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) b.append(c.getMessage()).append('\n');
    return b.toString();
  }

  private static boolean has(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) if (type.isInstance(c)) return true;
    return false;
  }

  static String firstLine(String m) {
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }
}
