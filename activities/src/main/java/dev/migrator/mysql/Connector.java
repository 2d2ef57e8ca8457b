package dev.migrator.mysql;

import dev.migrator.model.Endpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opens JDBC connections to endpoints, resolving the password reference on the spot. Sessions
 * use UTC so TIMESTAMP values travel as the same instant on both sides.
 */
public class Connector {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Connector.class);
  private final CredentialResolver credentials;

  public Connector(CredentialResolver credentials) {
    this.credentials = credentials;
  }

  public CredentialResolver credentials() {
    return credentials;
  }

  public static String url(Endpoint e) {
    StringBuilder u = new StringBuilder("jdbc:mysql://").append(e.host).append(':').append(e.port).append('/')
        .append("?connectTimeout=5000&allowPublicKeyRetrieval=true&rewriteBatchedStatements=true")
        .append("&characterEncoding=UTF-8&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true")
        .append("&tinyInt1isBit=false&yearIsDateType=false")
        .append("&allowLoadLocalInfile=true&useCursorFetch=false");
    if (e.tlsCaFile != null && !e.tlsCaFile.isBlank()) {
      u.append(TlsTrustStore.urlParameters(e.tlsCaFile));
    } else {
      u.append("&sslMode=PREFERRED");
    }
    return u.toString();
  }

  /** Connects or throws a classified, password-free Temporal failure. */
  public Connection open(String role, Endpoint e) {
    try {
      return openRaw(role, e);
    } catch (SQLException ex) {
      throw MySqlErrors.failure(role, e, ex);
    }
  }

  /**
   * Connects or throws the driver's SQLException (for callers that classify it themselves). When
   * the server refuses the password (ERROR 1045) and it comes from a {@code secret:} reference, the
   * cached value may predate a rotation: the secret is read again and, if it changed, the connect
   * is tried once more with the new value.
   */
  public Connection openRaw(String role, Endpoint e) throws SQLException {
    String what = role + ".password";
    String pw = credentials.resolve(e.password, what);
    String url;
    try {
      url = url(e);
    } catch (RuntimeException ex) { // an unreadable or malformed tlsCaFile
      throw new SQLException("TLS cannot be set up: " + ex.getMessage(), "08000", ex);
    }
    Connection c;
    try {
      c = DriverManager.getConnection(url, login(e, pw));
    } catch (SQLException ex) {
      if (ex.getErrorCode() != 1045 || !credentials.invalidate(e.password)) throw ex;
      String fresh = credentials.resolve(e.password, what);
      if (java.util.Objects.equals(fresh, pw)) throw ex; // the same value again: it really is refused
      log.info("{} {}: access denied with the cached value of {}; read it again (rotated) and reconnecting",
          role, e.address(), e.password);
      c = DriverManager.getConnection(url, login(e, fresh));
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
    }
    return c;
  }

  private static Properties login(Endpoint e, String password) {
    Properties p = new Properties();
    p.setProperty("user", e.user);
    if (password != null) p.setProperty("password", password);
    return p;
  }
}
