package dev.migrator.replication;

import dev.migrator.dialect.ReplicationChannel;
import dev.migrator.model.Endpoint;
import dev.migrator.model.ReplicationOptions;
import dev.migrator.mysql.Session;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The {@link ReplicationChannel} from a replica to {@code primary}, as the request describes it. */
public final class Channels {
  private Channels() {}

  /**
   * {@code primarySession} is a connection to the primary (where the replication account lives):
   * its account's authentication plugin says whether a channel without TLS must fetch the
   * primary's RSA key (caching_sha2_password, MySQL 8.0+'s default and 9.x's only choice).
   */
  public static ReplicationChannel to(Session primarySession, Endpoint primary, ReplicationOptions o, String password)
      throws SQLException {
    ReplicationChannel ch = ReplicationChannel.plain(primary.replicationHostOrHost(), primary.replicationPortOrPort(),
        o.user, password, o.connectRetrySeconds).withTls(o.ssl, o.sslCaFile, false);
    return ch.withSecureAuthSource(secureAuth(primarySession, o.user));
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
