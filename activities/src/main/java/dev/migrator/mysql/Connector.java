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

  /** Connects or throws the driver's SQLException (for callers that classify it themselves). */
  public Connection openRaw(String role, Endpoint e) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", e.user);
    String pw = credentials.resolve(e.password, role + ".password");
    if (pw != null) p.setProperty("password", pw);
    String url;
    try {
      url = url(e);
    } catch (RuntimeException ex) { // an unreadable or malformed tlsCaFile
      throw new SQLException("TLS cannot be set up: " + ex.getMessage(), "08000", ex);
    }
    Connection c = DriverManager.getConnection(url, p);
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
    }
    return c;
  }
}
