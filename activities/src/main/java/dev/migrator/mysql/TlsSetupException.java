package dev.migrator.mysql;

import java.sql.SQLException;

/**
 * A connection that failed because of TLS, explained: which endpoint, what the settings asked
 * for, what the server presented (certificate names, issuer) and what to change. The message and
 * the advice name files by path and never carry a password or any key material; the driver's
 * original exception is the cause.
 */
public class TlsSetupException extends SQLException {
  /** What went wrong. */
  public enum Kind {
    /** The certificate does not name the host / tls.serverName (verify-identity). */
    IDENTITY,
    /** The certificate is not signed by a trusted CA (verify-ca, verify-identity). */
    UNTRUSTED,
    /** The mode needs TLS and the server offers none. */
    NO_TLS,
    /** caching_sha2_password/sha256_password without TLS and without a pinned public key. */
    PUBLIC_KEY,
    /** A CA, certificate or key file cannot be used. */
    FILES,
    /** Any other handshake failure (protocol versions, ciphers, a client certificate refused). */
    HANDSHAKE
  }

  private final Kind kind;
  private final String advice;

  public TlsSetupException(Kind kind, String message, String advice, Throwable cause) {
    super(message, cause instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() : "08000", 2026, cause);
    this.kind = kind;
    this.advice = advice;
  }

  public Kind kind() {
    return kind;
  }

  /** What to change, for findings and failures. */
  public String advice() {
    return advice;
  }
}
