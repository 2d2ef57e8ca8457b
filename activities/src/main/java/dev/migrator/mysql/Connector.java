package dev.migrator.mysql;

import dev.migrator.model.Endpoint;
import dev.migrator.model.TlsSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens JDBC connections to endpoints, resolving the password reference on the spot. Sessions
 * use UTC so TIMESTAMP values travel as the same instant on both sides.
 *
 * <p>TLS follows the endpoint's {@link Endpoint#effectiveTls() settings} ({@link TlsConfig}) on
 * every connection migrator opens through here: preflight, the schema, copy, verify, accounts,
 * replication and cutover steps, and the frozen copies (also the temporary server of
 * physical-backup; only its own readiness checks, over the worker's loopback, bypass this). Each
 * connection's TLS is read back from the server ({@link TlsStatus}: {@code Ssl_version},
 * {@code Ssl_cipher}) and kept: {@link #tls(Connection)} for one connection,
 * {@link #tlsSeen()}/{@link #tlsSummary()} per endpoint, {@link #plaintextWarnings()} for the
 * notes a step puts into the status. A connection without TLS is logged once per endpoint as a
 * warning. With {@code preferred}, an endpoint this connector has seen TLS from is held to TLS
 * from then on: a later plaintext connection (TLS turned off, or stripped by a man in the middle)
 * fails instead of going on in clear.
 */
public class Connector {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Connector.class);
  private final CredentialResolver credentials;
  /** host:port of preferred endpoints this connector connected to over TLS. */
  private final Set<String> tlsSeenAt = ConcurrentHashMap.newKeySet();
  /** host:port of endpoints whose plaintext connection was logged already. */
  private final Set<String> plaintextLogged = ConcurrentHashMap.newKeySet();
  /** The latest status per "role host:port". */
  private final Map<String, TlsStatus> latest = new ConcurrentHashMap<>();
  private final Map<Connection, TlsStatus> perConnection = Collections.synchronizedMap(new WeakHashMap<>());

  public Connector(CredentialResolver credentials) {
    this.credentials = credentials;
  }

  public CredentialResolver credentials() {
    return credentials;
  }

  /**
   * The JDBC URL (without TLS settings, which travel as properties: see {@link TlsConfig}). Its
   * host is {@code tls.serverName} when verify-identity checks another name than the host.
   */
  public static String url(Endpoint e) {
    return "jdbc:mysql://" + TlsConfig.urlHost(e, e.effectiveTls()) + ':' + e.port + '/'
        + "?connectTimeout=5000&rewriteBatchedStatements=true"
        + "&characterEncoding=UTF-8&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true"
        + "&tinyInt1isBit=false&yearIsDateType=false"
        + "&allowLoadLocalInfile=true&useCursorFetch=false";
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
   * Connects or throws the driver's SQLException (for callers that classify it themselves); a
   * failure TLS caused comes as a {@link TlsSetupException} that says what the certificate holds.
   * When the server refuses the password (ERROR 1045) and it comes from a {@code secret:}
   * reference, the cached value may predate a rotation: the secret is read again and, if it
   * changed, the connect is tried once more with the new value.
   */
  public Connection openRaw(String role, Endpoint e) throws SQLException {
    String what = role + ".password";
    TlsSettings tls = e.effectiveTls();
    boolean insist = TlsSettings.PREFERRED.equals(tls.mode) && tlsSeenAt.contains(e.address());
    String pw = credentials.resolve(e.password, what);
    String url = url(e);
    Properties tlsProps;
    try {
      tlsProps = TlsConfig.properties(e, tls, insist);
    } catch (RuntimeException ex) { // an unreadable or malformed CA, certificate or key file
      throw TlsConfig.files(role, e, tls, ex);
    }
    Connection c;
    try {
      try {
        c = DriverManager.getConnection(url, login(e, pw, tlsProps));
      } catch (SQLException ex) {
        if (ex.getErrorCode() != 1045 || !credentials.invalidate(e.password)) throw ex;
        String fresh = credentials.resolve(e.password, what);
        if (java.util.Objects.equals(fresh, pw)) throw ex; // the same value again: it really is refused
        log.info("{} {}: access denied with the cached value of {}; read it again (rotated) and reconnecting",
            role, e.address(), e.password);
        c = DriverManager.getConnection(url, login(e, fresh, tlsProps));
      }
    } catch (SQLException ex) {
      throw TlsConfig.explain(role, e, tls, insist, ex);
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
    } catch (SQLException ex) {
      closeQuietly(c);
      throw ex;
    }
    record(role, e, tls, c);
    return c;
  }

  private void record(String role, Endpoint e, TlsSettings tls, Connection c) {
    TlsStatus st = TlsStatus.read(role, e.address(), tls, TlsConfig.urlHost(e, tls), c);
    perConnection.put(c, st);
    latest.put(role + " " + e.address(), st);
    if (st.encrypted()) {
      if (TlsSettings.PREFERRED.equals(tls.mode)) tlsSeenAt.add(e.address());
    } else if (!st.unknown() && plaintextLogged.add(e.address())) {
      log.warn("{} {}: connected WITHOUT TLS (tls.mode {}, and the server offers none): every row and statement"
          + " travels in clear", role, e.address(), tls.mode);
    }
  }

  /** The TLS of a connection this connector opened (read from the server now for any other). */
  public TlsStatus tls(Connection c) {
    TlsStatus st = perConnection.get(c);
    if (st != null) return st;
    return TlsStatus.read("connection", "?", new TlsSettings("?"), null, c);
  }

  /** The latest TLS status per endpoint this connector connected to, by "role host:port". */
  public Map<String, TlsStatus> tlsSeen() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(latest));
  }

  /** "source: TLSv1.3, target: none" over the endpoints connected so far. */
  public String tlsSummary() {
    List<String> out = new ArrayList<>();
    for (TlsStatus s : latest.values()) out.add(s.brief());
    Collections.sort(out);
    return String.join(", ", out);
  }

  /**
   * One warning per endpoint whose latest connection ran without TLS, for a step's notes (and so
   * the migration's status): "source 10.0.0.5:3306: connection without TLS (the server offers
   * none; tls.mode preferred): rows and statements travel in clear".
   */
  public List<String> plaintextWarnings() {
    List<String> out = new ArrayList<>();
    for (TlsStatus s : latest.values()) {
      if (!s.encrypted() && !s.unknown()) {
        out.add(s.role() + " " + s.address() + ": connection without TLS (the server offers none; tls.mode "
            + s.mode() + "): rows and statements travel in clear");
      }
    }
    Collections.sort(out);
    return out;
  }

  /**
   * Whether the server behind {@code e} offers TLS: from this connector's latest connection to
   * it when that used TLS, else by a {@link TlsProbe} (no login). For the replication channel's
   * default ({@link ReplicationTls}).
   */
  public boolean offersTls(String role, Endpoint e) {
    TlsStatus st = latest.get(role + " " + e.address());
    if (st != null && st.encrypted()) return true;
    return TlsProbe.probe(e.host, e.port, 5000).offersTls();
  }

  private static Properties login(Endpoint e, String password, Properties tls) {
    Properties p = new Properties();
    p.putAll(tls);
    p.setProperty("user", e.user);
    if (password != null) p.setProperty("password", password);
    return p;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // already failing
    }
  }
}
