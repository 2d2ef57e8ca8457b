package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * How migrator's own connections to one endpoint use TLS ({@code source.tls}, {@code target.tls},
 * {@code frozenReplica.tls}). Every path is a file <em>on the worker</em>. Every field is optional;
 * {@link Endpoint#effectiveTls()} fills in the defaults:
 *
 * <ul>
 *   <li>{@code mode} left out: {@code verify-ca} when a CA is given (here or in the older
 *       {@link Endpoint#tlsCaFile}), else {@code required} for {@code rds-mysql}/{@code aurora-mysql}
 *       (RDS and Aurora always offer TLS), else {@code preferred};
 *   <li>{@code preferred}: TLS when the server offers it; a connection without TLS is reported
 *       (a warning in preflight and the status, a log line) and, once a worker has seen TLS from
 *       an endpoint, it insists on TLS for it (a downgrade later fails instead of going plaintext);
 *   <li>{@code required}: TLS or no connection; the certificate is not checked;
 *   <li>{@code verify-ca}: TLS, the certificate chain checked against {@link #caFile} (or the JVM's
 *       trusted CAs with {@link #systemCas});
 *   <li>{@code verify-identity}: as verify-ca, and the certificate must name the host
 *       (DNS or IP subject alternative name, else CN), or {@link #serverName} when given.
 * </ul>
 */
public class TlsSettings {
  public static final String PREFERRED = "preferred";
  public static final String REQUIRED = "required";
  public static final String VERIFY_CA = "verify-ca";
  public static final String VERIFY_IDENTITY = "verify-identity";
  public static final List<String> MODES = List.of(PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY);

  /** preferred, required, verify-ca or verify-identity; null: the default (see the class comment). */
  public String mode;
  /**
   * CA bundle (PEM, e.g. RDS's global-bundle.pem, or a JKS/PKCS12 trust store) that signs the
   * server's certificate; used by verify-ca and verify-identity.
   */
  public String caFile;
  /** verify-ca/verify-identity without {@link #caFile}: trust the JVM's default CAs (cacerts) instead. */
  public boolean systemCas;
  /** Client certificate (PEM, may hold the chain) for accounts created REQUIRE X509/SUBJECT/ISSUER. */
  public String certFile;
  /**
   * The client certificate's private key (PEM: PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY" or
   * SEC1 "EC PRIVATE KEY", unencrypted). A secret on the worker's disk: migrator reads it when it
   * connects and never logs or reports anything of it but its path.
   */
  public String keyFile;
  /**
   * verify-identity only: the name the certificate must carry when it differs from {@code host}
   * (an IP address, a tunnel, a CNAME). Also sent as SNI. migrator still connects to {@code host}.
   */
  public String serverName;
  /**
   * The server's RSA public key (PEM), pinned, for caching_sha2_password/sha256_password accounts
   * over a connection without TLS; without it such an account cannot authenticate over plaintext
   * (migrator never fetches the key from the server unless the connection is TLS: a man in the
   * middle could hand out its own).
   */
  public String serverPublicKeyFile;

  public TlsSettings() {}

  public TlsSettings(String mode) {
    this.mode = mode;
  }

  public TlsSettings copy() {
    TlsSettings t = new TlsSettings(mode);
    t.caFile = caFile;
    t.systemCas = systemCas;
    t.certFile = certFile;
    t.keyFile = keyFile;
    t.serverName = serverName;
    t.serverPublicKeyFile = serverPublicKeyFile;
    return t;
  }

  /** Whether this mode never connects without TLS. */
  @JsonIgnore
  public boolean demandsTls() {
    return !PREFERRED.equals(mode);
  }

  @JsonIgnore
  public boolean verifiesCertificate() {
    return VERIFY_CA.equals(mode) || VERIFY_IDENTITY.equals(mode);
  }

  @JsonIgnore
  public boolean hasClientCertificate() {
    return !blank(certFile);
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** The settings without the files' contents (there are none here: paths only). */
  @Override
  public String toString() {
    return "mode " + mode + (blank(caFile) ? "" : ", ca " + caFile) + (systemCas ? ", system CAs" : "")
        + (blank(certFile) ? "" : ", client certificate " + certFile)
        + (blank(serverName) ? "" : ", server name " + serverName);
  }
}
