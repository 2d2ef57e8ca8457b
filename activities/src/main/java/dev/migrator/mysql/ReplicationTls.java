package dev.migrator.mysql;

import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.ReplicationOptions;
import dev.migrator.model.TlsSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TLS of a replication channel: how the replica (the target, or the old source for reverse
 * replication) connects to its primary. Built from the request and from whether the primary
 * offers TLS; turned into the clause of {@code CHANGE REPLICATION SOURCE TO} / {@code CHANGE
 * MASTER TO} for each server kind, or the {@code ssl_encryption} argument of RDS's
 * {@code mysql.rds_set_external_master*}/{@code _source*} procedures.
 *
 * <p>Defaults: the channel uses TLS whenever the primary offers it ({@code replication.ssl}
 * makes it mandatory: the configuration fails if the primary offers none). A CA for the channel
 * ({@code replication.sslCaFile}) is a path <em>on the replica server</em>; with it the replica
 * checks the primary's certificate chain, and its name as well
 * ({@code SOURCE_SSL_VERIFY_SERVER_CERT=1}) when the source endpoint is {@code verify-identity},
 * has no {@code tls.serverName} override and the replica reaches it by the same host name. RDS
 * and Aurora replicas take no CA here: they use the material imported with
 * {@code mysql.rds_import_binlog_ssl_material}, if any. A channel without TLS is stated in
 * {@link #warnings()}: the replication password is then sent by the replica's own
 * authentication (caching_sha2_password needs TLS or the primary's RSA key: MySQL replicas fail
 * with ERROR 2061 without either) and every row travels in clear.
 *
 * <h2>Where it is used</h2>
 *
 * <ul>
 *   <li>{@code replication.Channels#forward} / {@code #reverse} build the
 *       {@code dialect.ReplicationChannel} with it (forward: the replicate step; reverse: the
 *       cutover's {@code cutover.reverseReplication});
 *   <li>each dialect writes the channel's TLS from it: {@link #changeSourceClause(ReplicaKind)}
 *       appended after {@code SOURCE_/MASTER_CONNECT_RETRY} (MySQL, MariaDB), or
 *       {@link #rdsSslEncryption()} as the {@code ssl_encryption} argument of
 *       {@code mysql.rds_set_external_master/_source(_with_auto_position)} (RDS, Aurora);
 *   <li>{@code replication.ReplicationAccount#create} creates the account with
 *       {@link #accountRequirement()} ({@code REQUIRE SSL} for a TLS channel) and REPLICATION
 *       SLAVE, REPLICATION CLIENT only;
 *   <li>the activities return {@link #describe()}, {@link #warnings()} and, read back from the
 *       replica, {@link #channelEncrypted} to the workflow (the status's warnings say when a
 *       channel runs without TLS);
 *   <li>preflight's {@code TlsCheck} predicts the same decision before anything is changed.
 * </ul>
 */
public final class ReplicationTls {
  /** How a replica server spells its channel's TLS options. */
  public enum ReplicaKind {
    /** MySQL 8.0.23+: CHANGE REPLICATION SOURCE TO ... SOURCE_SSL... */
    MYSQL,
    /** MySQL before 8.0.23: CHANGE MASTER TO ... MASTER_SSL... */
    MYSQL_LEGACY,
    /** MariaDB: CHANGE MASTER TO ... MASTER_SSL... */
    MARIADB,
    /** RDS for MySQL / Aurora MySQL: the ssl_encryption argument of the rds_* procedures. */
    RDS
  }

  /** An SQL fragment to append to a CHANGE statement (starting with ", ") and its parameters, in order. */
  public record Clause(String sql, List<Object> params) {}

  private final boolean ssl;
  private final String caFile;
  private final boolean verifyServerCert;
  private final boolean required;
  private final String reason;

  private ReplicationTls(boolean ssl, String caFile, boolean verifyServerCert, boolean required, String reason) {
    this.ssl = ssl;
    this.caFile = caFile;
    this.verifyServerCert = verifyServerCert;
    this.required = required;
    this.reason = reason;
  }

  /** Any settings (tests, other callers): {@code caFile} is a path on the replica server. */
  public static ReplicationTls of(boolean ssl, String caFile, boolean verifyServerCert, String reason) {
    return new ReplicationTls(ssl, blank(caFile) ? null : caFile, ssl && verifyServerCert && !blank(caFile), ssl, reason);
  }

  /** The target replicating from the source (the replicate step). */
  public static ReplicationTls forward(MigrationRequest r, boolean sourceOffersTls) {
    return forward(r.source, r.target, r.replication, sourceOffersTls);
  }

  /** The same from the step's own inputs (the replicate step's {@code ReplicationInput}). */
  public static ReplicationTls forward(Endpoint source, Endpoint target, ReplicationOptions options,
      boolean sourceOffersTls) {
    ReplicationOptions o = options == null ? new ReplicationOptions() : options;
    boolean asked = o.ssl || !blank(o.sslCaFile);
    boolean rdsReplica = target != null && target.isRdsFamily();
    String ca = rdsReplica ? null : (blank(o.sslCaFile) ? null : o.sslCaFile);
    if (!asked && !sourceOffersTls) {
      return new ReplicationTls(false, null, false, false, "the source offers no TLS");
    }
    boolean verify = ca != null && namesMatch(source);
    String why = asked ? (blank(o.sslCaFile) ? "replication.ssl" : "replication.sslCaFile") : "the source offers TLS";
    return new ReplicationTls(true, ca, verify, asked, why);
  }

  /**
   * The old source replicating from the target after cutover ({@code cutover.reverseReplication}).
   * {@code replication.sslCaFile} is a path on the target server, so the reverse channel has no
   * CA: it is encrypted, its certificate not checked.
   */
  public static ReplicationTls reverse(MigrationRequest r, boolean targetOffersTls) {
    return reverse(r.replication, targetOffersTls);
  }

  /** The same from the cutover's own inputs ({@code CutoverInput.replication}). */
  public static ReplicationTls reverse(ReplicationOptions options, boolean targetOffersTls) {
    ReplicationOptions o = options == null ? new ReplicationOptions() : options;
    boolean asked = o.ssl || !blank(o.sslCaFile);
    if (!asked && !targetOffersTls) return new ReplicationTls(false, null, false, false, "the target offers no TLS");
    return new ReplicationTls(true, null, false, asked, asked ? "replication.ssl" : "the target offers TLS");
  }

  /**
   * This channel with TLS switched on because the replica cannot do without it: an RDS/Aurora
   * replica whose primary's account uses caching_sha2_password (the procedures have no
   * GET_SOURCE_PUBLIC_KEY argument). Unchanged when it already uses TLS.
   */
  public ReplicationTls forcedOn(String why) {
    return ssl ? this : new ReplicationTls(true, caFile, false, true, why);
  }

  /** verify-identity on the source, no serverName override, and the replica uses the same host name. */
  private static boolean namesMatch(Endpoint source) {
    if (source == null) return false;
    TlsSettings t = source.effectiveTls();
    return TlsSettings.VERIFY_IDENTITY.equals(t.mode) && blank(t.serverName)
        && (blank(source.replicationHost) || source.replicationHost.equals(source.host));
  }

  public static ReplicaKind kindOf(ServerInfo replica, boolean rds) {
    if (rds) return ReplicaKind.RDS;
    if (replica.mariadb()) return ReplicaKind.MARIADB;
    return replica.atLeast(8, 0, 23) ? ReplicaKind.MYSQL : ReplicaKind.MYSQL_LEGACY; // CHANGE REPLICATION SOURCE TO since 8.0.23
  }

  /** The clause for a self-managed replica, by its version (see {@link #changeSourceClause(ReplicaKind)}). */
  public Clause changeSourceClause(ServerInfo replica) {
    return changeSourceClause(kindOf(replica, false));
  }

  /**
   * The TLS part of CHANGE REPLICATION SOURCE TO / CHANGE MASTER TO, to append after the other
   * options: always explicit (RESET REPLICA ALL goes back to the server's defaults, which differ
   * between versions: MariaDB 11 turns MASTER_SSL on by itself), e.g.
   * {@code ", SOURCE_SSL = 1, SOURCE_SSL_CA = ?, SOURCE_SSL_VERIFY_SERVER_CERT = 1"} or
   * {@code ", MASTER_SSL = 0"}. Not for RDS replicas (they take {@link #rdsSslEncryption()}).
   */
  public Clause changeSourceClause(ReplicaKind kind) {
    if (kind == ReplicaKind.RDS) {
      throw new IllegalArgumentException("an RDS/Aurora replica takes no CHANGE statement: pass rdsSslEncryption()"
          + " to mysql.rds_set_external_master/_source");
    }
    String p = kind == ReplicaKind.MYSQL ? "SOURCE_" : "MASTER_";
    StringBuilder sql = new StringBuilder(", ").append(p).append("SSL = ").append(ssl ? 1 : 0);
    List<Object> params = new ArrayList<>();
    if (ssl) {
      if (caFile != null) {
        sql.append(", ").append(p).append("SSL_CA = ?");
        params.add(caFile);
      }
      sql.append(", ").append(p).append("SSL_VERIFY_SERVER_CERT = ").append(verifyServerCert ? 1 : 0);
    } else if (kind == ReplicaKind.MARIADB) {
      // MariaDB 11 verifies by default; a channel without TLS verifies nothing.
      sql.append(", MASTER_SSL_VERIFY_SERVER_CERT = 0");
    }
    return new Clause(sql.toString(), List.copyOf(params));
  }

  /**
   * What to append to {@code CREATE USER ... IDENTIFIED BY ?} for the replication account:
   * {@code REQUIRE SSL} when the channel uses TLS, so that the primary itself refuses the account
   * over plaintext (a channel that someone reconfigures or downgrades fails instead of replicating
   * in clear), else {@code REQUIRE NONE}. MySQL and MariaDB spell it the same.
   */
  public String accountRequirement() {
    return ssl ? "REQUIRE SSL" : "REQUIRE NONE";
  }

  /** The {@code ssl_encryption} argument of RDS's external-source procedures: 1 or 0. */
  public int rdsSslEncryption() {
    return ssl ? 1 : 0;
  }

  public boolean ssl() {
    return ssl;
  }

  /** Path of the CA on the replica server, or null. */
  public String caFile() {
    return caFile;
  }

  public boolean verifyServerCert() {
    return verifyServerCert;
  }

  /** TLS was asked for in the request (not only chosen because the primary offers it). */
  public boolean required() {
    return required;
  }

  /** Why the channel is as it is: "replication.ssl", "the source offers TLS", "the source offers no TLS". */
  public String reason() {
    return reason;
  }

  /** "replication over TLS (the source offers TLS; CA /etc/mysql/ca.pem on the target, name verified)". */
  public String describe() {
    if (!ssl) return "replication without TLS (" + reason + ")";
    String check = caFile == null ? "certificate not verified"
        : "CA " + caFile + " on the replica, " + (verifyServerCert ? "name verified" : "name not checked");
    return "replication over TLS (" + reason + "; " + check + ")";
  }

  /** What the status should say about this channel: nothing when it is TLS with a verified certificate. */
  public List<String> warnings() {
    List<String> w = new ArrayList<>();
    if (!ssl) {
      w.add("replication runs without TLS (" + reason + "): the replication account's authentication and every"
          + " replicated row travel in clear between the servers");
    } else if (caFile == null) {
      w.add("replication runs over TLS without checking the primary's certificate (no replication.sslCaFile)");
    }
    return w;
  }

  /**
   * Whether a replica status row (SHOW REPLICA STATUS / SHOW SLAVE STATUS) has TLS on for the
   * channel: {@code Source_SSL_Allowed} / {@code Master_SSL_Allowed} is {@code Yes}.
   */
  public static boolean channelEncrypted(Map<String, String> replicaStatusRow) {
    if (replicaStatusRow == null) return false;
    String v = replicaStatusRow.get("Source_SSL_Allowed");
    if (v == null) v = replicaStatusRow.get("Master_SSL_Allowed");
    return "Yes".equalsIgnoreCase(v);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public String toString() {
    return describe();
  }
}
