package dev.migrator.dialect;

/**
 * Where and how a replica connects to its source: the source's address, the replication account
 * (password already resolved), the reconnect interval, and the TLS of the channel.
 *
 * <p>TLS hook: {@code ssl}, {@code sslCa} (a path <em>on the replica server</em>) and
 * {@code verifyServerCert} are what {@code SOURCE_SSL}/{@code SOURCE_SSL_CA}/
 * {@code SOURCE_SSL_VERIFY_SERVER_CERT} (MariaDB {@code MASTER_SSL*}; RDS the procedures'
 * {@code ssl_encryption}) are written from; today they come from {@code replication.ssl} /
 * {@code replication.sslCaFile}, and the JDBC TLS work ({@code ReplicationTls}) fills them from
 * the endpoints' TLS settings with {@link #withTls}. {@code secureAuthSource}: the source's
 * replication account authenticates with caching_sha2_password (MySQL 8.0+ default, the only
 * choice on 9.x), so a channel without TLS must ask for the source's RSA key
 * ({@code GET_SOURCE_PUBLIC_KEY = 1}); on RDS/Aurora, whose procedures have no such argument, TLS
 * is switched on instead.
 */
public record ReplicationChannel(String host, int port, String user, String password, int connectRetrySeconds,
    boolean ssl, String sslCa, boolean verifyServerCert, boolean secureAuthSource) {

  public static ReplicationChannel plain(String host, int port, String user, String password, int connectRetrySeconds) {
    return new ReplicationChannel(host, port, user, password, connectRetrySeconds, false, null, false, false);
  }

  /** The channel with TLS as given ({@code sslCa} non-blank implies ssl). */
  public ReplicationChannel withTls(boolean on, String ca, boolean verify) {
    boolean hasCa = ca != null && !ca.isBlank();
    return new ReplicationChannel(host, port, user, password, connectRetrySeconds, on || hasCa, hasCa ? ca : null,
        verify, secureAuthSource);
  }

  /** The channel for a source whose account uses caching_sha2_password (see the class comment). */
  public ReplicationChannel withSecureAuthSource(boolean on) {
    return new ReplicationChannel(host, port, user, password, connectRetrySeconds, ssl, sslCa, verifyServerCert, on);
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + (ssl ? " ssl" + (sslCa == null ? "" : " ca=" + sslCa)
        + (verifyServerCert ? " verify" : "") : "");
  }
}
