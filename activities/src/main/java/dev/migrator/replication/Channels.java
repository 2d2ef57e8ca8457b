package dev.migrator.replication;

import dev.migrator.dialect.ReplicationChannel;
import dev.migrator.model.ChannelTls;
import dev.migrator.model.Endpoint;
import dev.migrator.model.ReplicationOptions;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.ReplicationTls;
import dev.migrator.mysql.Session;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * The {@link ReplicationChannel}s migrator configures, with their TLS from {@link ReplicationTls}:
 * TLS whenever the primary offers it ({@code replication.ssl} makes it mandatory), the CA of
 * {@code replication.sslCaFile} (a path on the replica server) for the forward channel, the
 * certificate's name checked when the source endpoint is {@code verify-identity}.
 */
public final class Channels {
  private Channels() {}

  /** The TLS of the forward channel (the target replicating from the source). */
  public static ReplicationTls forwardTls(Endpoint source, Endpoint target, ReplicationOptions o, boolean sourceOffersTls) {
    return ReplicationTls.forward(source, target, o, sourceOffersTls);
  }

  /** The TLS of the reverse channel (the old source replicating from the target after cutover). */
  public static ReplicationTls reverseTls(ReplicationOptions o, boolean targetOffersTls) {
    return ReplicationTls.reverse(o, targetOffersTls);
  }

  /** The forward channel: {@code target} replicating from {@code source} with {@link #forwardTls}. */
  public static ReplicationChannel forward(Session source, Session target, Endpoint sourceEndpoint,
      Endpoint targetEndpoint, ReplicationOptions o, String password, boolean sourceOffersTls) throws SQLException {
    return to(source, target, sourceEndpoint, o, password, forwardTls(sourceEndpoint, targetEndpoint, o, sourceOffersTls));
  }

  /** The reverse channel: {@code source} replicating from {@code target} with {@link #reverseTls}. */
  public static ReplicationChannel reverse(Session target, Session source, Endpoint targetEndpoint, ReplicationOptions o,
      String password, boolean targetOffersTls) throws SQLException {
    return to(target, source, targetEndpoint, o, password, reverseTls(o, targetOffersTls));
  }

  /**
   * The channel from {@code replica} to {@code primary} (the endpoint the replica connects to)
   * with {@code tls}. {@code primarySession} is a connection to the primary, where the replication
   * account lives: its authentication plugin says whether a channel without TLS must fetch the
   * primary's RSA key (caching_sha2_password, MySQL 8.0+'s default and 9.x's only choice); an
   * RDS/Aurora replica cannot, so there TLS is switched on instead.
   */
  public static ReplicationChannel to(Session primarySession, Session replica, Endpoint primary, ReplicationOptions o,
      String password, ReplicationTls tls) throws SQLException {
    boolean secureAuth = secureAuth(primarySession, o.user);
    ReplicationTls t = secureAuth && replica.dialect().isManaged()
        ? tls.forcedOn("an RDS/Aurora replica needs TLS for a caching_sha2_password account") : tls;
    return ReplicationChannel.plain(primary.replicationHostOrHost(), primary.replicationPortOrPort(), o.user, password,
        o.connectRetrySeconds).withTls(t).withSecureAuthSource(secureAuth);
  }

  /**
   * What to tell the workflow about a channel just started on {@code replica}: its TLS, its
   * warnings, what the replica's status says (Source_SSL_Allowed / Master_SSL_Allowed) and how
   * the primary requires TLS of the account.
   */
  public static ChannelTls report(ReplicationChannel ch, Session replica, Session primary) {
    ChannelTls r = new ChannelTls();
    ReplicationTls t = ch.tls();
    r.tls = t.ssl();
    r.required = t.required();
    r.description = t.describe();
    r.warnings.addAll(t.warnings());
    try {
      Map<String, String> row = Jdbc.firstRow(replica.connection(), replica.dialect().replicaStatus());
      if (row != null) r.replicaSaysEncrypted = ReplicationTls.channelEncrypted(row);
    } catch (SQLException cannotRead) {
      // the status is proof, not a condition: left unknown
    }
    r.accountRequirement = accountRequirement(primary, ch.user());
    return r;
  }

  /** "REQUIRE SSL", "REQUIRE NONE", "REQUIRE X509", ... as the primary has the account; null if unreadable. */
  static String accountRequirement(Session s, String user) {
    try (PreparedStatement ps = s.connection().prepareStatement(
        "SELECT ssl_type FROM mysql.user WHERE User = ? AND Host = '%'")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        String v = rs.getString(1);
        if (v == null || v.isEmpty()) return "REQUIRE NONE";
        return "REQUIRE " + ("ANY".equalsIgnoreCase(v) ? "SSL" : v);
      }
    } catch (SQLException cannotRead) {
      return null;
    }
  }

  static boolean secureAuth(Session s, String user) throws SQLException {
    try (PreparedStatement ps = s.connection().prepareStatement(
        "SELECT plugin FROM mysql.user WHERE User = ? AND Host = '%'")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          String p = rs.getString(1);
          return p != null && (p.equals("caching_sha2_password") || p.equals("sha256_password"));
        }
      }
    } catch (SQLException cannotRead) {
      // no SELECT on mysql.user: decide by the server (MySQL 8.0+ defaults to caching_sha2_password)
    }
    return !s.dialect().isMariaDb() && s.dialect().version().atLeast(8, 0, 0);
  }
}
