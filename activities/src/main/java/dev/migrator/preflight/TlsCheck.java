package dev.migrator.preflight;

import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TlsSettings;
import dev.migrator.mysql.ReplicationTls;
import dev.migrator.mysql.TlsStatus;

/**
 * TLS of migrator's connections and of the replication channels it will configure:
 *
 * <ul>
 *   <li>{@code tls-plaintext} (warning): preflight's connection to a side runs without TLS (the
 *       endpoint's mode allowed it: {@code preferred}, and the server offers no TLS). A mode that
 *       demands TLS never gets here: the connection fails as {@code connect-tls}.
 *   <li>{@code tls-unverified} (info): TLS, but the certificate is not checked ({@code preferred},
 *       {@code required}); {@code tls} (info): what each connection uses.
 *   <li>{@code tls-replication}: the forward channel without TLS because the source offers none
 *       (warning), or with {@code replication.ssl} asked for and no TLS on the source (blocking:
 *       the replica would fail to connect); info describing the channel otherwise.
 *   <li>{@code tls-require-secure-transport} (blocking): a server with
 *       {@code require_secure_transport=ON} would be reached by a replication channel (forward,
 *       or the reverse one of {@code cutover.reverseReplication}) without TLS; it would refuse
 *       the replica with ERROR 3159.
 * </ul>
 */
public final class TlsCheck implements PreflightCheck {
  @Override
  public String name() {
    return "TLS";
  }

  @Override
  public void run(PreflightContext ctx) {
    for (Side s : new Side[] {ctx.source, ctx.target}) {
      if (s == null || s.tls() == null) continue;
      connection(ctx, s);
    }
    replication(ctx);
  }

  private static void connection(PreflightContext ctx, Side s) {
    TlsStatus t = s.tls();
    TlsSettings wanted = s.endpoint.effectiveTls();
    if (t.unknown()) {
      ctx.add("tls", Finding.INFO, s.role, s.where() + ": connected, but the server did not report the session's"
          + " TLS (SHOW SESSION STATUS LIKE 'Ssl_version' failed)", "check by hand that the connection uses TLS");
      return;
    }
    if (!t.encrypted()) {
      String haveSsl = s.var("have_ssl");
      ctx.add("tls-plaintext", Finding.WARNING, s.role, s.where() + ": connected WITHOUT TLS (tls.mode "
              + wanted.mode + "): the server offers none" + (haveSsl == null ? "" : " (have_ssl=" + haveSsl + ")")
              + "; rows, statements and the passwords migrator sets on this connection (the replication account's,"
              + " with CREATE USER and CHANGE MASTER TO) travel in clear",
          "turn TLS on on the server (ssl_cert and ssl_key in its configuration, then restart; MySQL 8+ makes"
              + " certificates at initialise) and set " + s.role + ".tls.mode verify-identity with " + s.role
              + ".tls.caFile; until then keep the network path private (VPN, same VPC)");
      return;
    }
    if (!wanted.verifiesCertificate()) {
      ctx.add("tls-unverified", Finding.INFO, s.role, t.describe() + " (tls.mode " + wanted.mode + ")",
          "encrypted, but a man in the middle with a certificate of its own would not be noticed: set " + s.role
              + ".tls.mode verify-identity and " + s.role + ".tls.caFile (RDS/Aurora: global-bundle.pem)");
    } else {
      ctx.add("tls", Finding.INFO, s.role, t.describe(), "none");
    }
  }

  private static void replication(PreflightContext ctx) {
    MigrationRequest r = ctx.request;
    if (ctx.source != null && ctx.source.tls() != null) {
      boolean offers = ctx.source.offersTls();
      ReplicationTls fwd = ReplicationTls.forward(r, offers);
      if (fwd.required() && !offers) {
        ctx.add("tls-replication", Finding.BLOCKING, "replication", ctx.source.where() + ": replication.ssl asks"
                + " for TLS on the replication channel, but the source offers none: the replica would not connect",
            "turn TLS on on the source, or leave replication.ssl and replication.sslCaFile out (the channel then"
                + " runs without TLS, with a warning)");
      } else if (!fwd.ssl()) {
        ctx.add("tls-replication", Finding.WARNING, "replication", ctx.source.where() + ": " + fwd.describe()
                + ": the target connects to the source in clear (its binlog and the replication account's"
                + " authentication)",
            "turn TLS on on the source: the channel then uses TLS by itself (a MySQL 8+ replica cannot even"
                + " authenticate a caching_sha2_password account without TLS or the source's RSA key)");
      } else {
        ctx.add("tls-replication", Finding.INFO, "replication", ctx.source.where() + ": " + fwd.describe(),
            fwd.caFile() == null && !(ctx.target != null && ctx.target.endpoint.isRdsFamily())
                ? "to check the source's certificate on the channel, put its CA on the target server and set"
                    + " replication.sslCaFile to that path" : "none");
      }
      secureTransport(ctx, ctx.source, fwd, "the replication channel from the target");
    }
    if (r.cutover != null && r.cutover.reverseReplication && ctx.target != null && ctx.target.tls() != null) {
      ReplicationTls rev = ReplicationTls.reverse(r, ctx.target.offersTls());
      secureTransport(ctx, ctx.target, rev, "the reverse replication channel from the source (cutover.reverseReplication)");
    }
  }

  private static void secureTransport(PreflightContext ctx, Side primary, ReplicationTls channel, String which) {
    String rst = primary.var("require_secure_transport");
    boolean on = "ON".equalsIgnoreCase(rst) || "1".equals(rst);
    if (on && !channel.ssl()) {
      ctx.add("tls-require-secure-transport", Finding.BLOCKING, "replication", primary.where()
              + " has require_secure_transport=ON, but " + which + " would connect without TLS (" + channel.reason()
              + "): it would be refused with ERROR 3159",
          "set replication.ssl=true, or make sure the worker sees the server's TLS (it connects with TLS whenever"
              + " the server offers it)");
    }
  }
}
