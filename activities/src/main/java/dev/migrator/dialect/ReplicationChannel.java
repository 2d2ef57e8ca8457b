package dev.migrator.dialect;

import dev.migrator.mysql.ReplicationTls;

/**
 * Where and how a replica connects to its source: the source's address, the replication account
 * (password already resolved), the reconnect interval, and the TLS of the channel.
 *
 * <p>{@code tls} is the channel's {@link ReplicationTls}, decided by
 * {@code replication.Channels} from the request and from whether the primary offers TLS (TLS
 * whenever it does): each dialect writes it as it is, with
 * {@link ReplicationTls#changeSourceClause(ReplicationTls.ReplicaKind)} (always explicit:
 * {@code SOURCE_SSL = 0/1}, the CA, {@code SOURCE_SSL_VERIFY_SERVER_CERT}) or, on RDS/Aurora,
 * {@link ReplicationTls#rdsSslEncryption()}. {@code secureAuthSource}: the source's replication
 * account authenticates with caching_sha2_password (MySQL 8.0+ default, the only choice on 9.x),
 * so a channel without TLS must ask for the source's RSA key ({@code GET_SOURCE_PUBLIC_KEY = 1});
 * on RDS/Aurora, whose procedures have no such argument, {@code Channels} switches TLS on instead.
 */
public record ReplicationChannel(String host, int port, String user, String password, int connectRetrySeconds,
    ReplicationTls tls, boolean secureAuthSource) {

  public ReplicationChannel {
    if (tls == null) tls = ReplicationTls.of(false, null, false, "not configured");
  }

  /** A channel without TLS (until {@link #withTls}). */
  public static ReplicationChannel plain(String host, int port, String user, String password, int connectRetrySeconds) {
    return new ReplicationChannel(host, port, user, password, connectRetrySeconds, null, false);
  }

  /** The channel with this TLS. */
  public ReplicationChannel withTls(ReplicationTls t) {
    return new ReplicationChannel(host, port, user, password, connectRetrySeconds, t, secureAuthSource);
  }

  /** The channel for a source whose account uses caching_sha2_password (see the class comment). */
  public ReplicationChannel withSecureAuthSource(boolean on) {
    return new ReplicationChannel(host, port, user, password, connectRetrySeconds, tls, on);
  }

  /** TLS on the channel ({@code SOURCE_SSL = 1} / {@code ssl_encryption = 1}). */
  public boolean ssl() {
    return tls.ssl();
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + (tls.ssl() ? " ssl" + (tls.caFile() == null ? "" : " ca=" + tls.caFile())
        + (tls.verifyServerCert() ? " verify" : "") : "");
  }
}
