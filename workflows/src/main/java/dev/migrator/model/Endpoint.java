package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A MySQL-compatible server the migration talks to. The password is never here: {@link #password}
 * is a reference ("env:NAME", "file:/path" or "secret:arn-or-name") resolved inside activities.
 */
public class Endpoint {
  /** mysql (self-managed MySQL/MariaDB/Percona), rds-mysql or aurora-mysql. */
  public String flavor = "mysql";

  public String host = "127.0.0.1";
  public int port = 3306;
  public String user = "root";
  /** Credential reference, e.g. "env:SOURCE_DB_PASSWORD". Null or empty means no password. */
  public String password;
  /**
   * Address the *other* side uses to reach this endpoint for replication (the target connects to
   * the source with it). Defaults to host/port.
   */
  public String replicationHost;

  public Integer replicationPort;
  /**
   * How to switch this endpoint read-only and back when SET GLOBAL read_only is not possible
   * (required for cutover and rollback on rds-mysql/aurora-mysql sources). Null: SET GLOBAL.
   */
  public ReadOnlyHook readOnlyHook;

  /**
   * CPUs of this server's host, for the copy's default parallelism (handbook: one dump thread per
   * source CPU, one load thread per two target CPUs). Null: detected where possible (see
   * docs/copy.md, "Parallelism").
   */
  public Integer cpus;

  /**
   * How migrator's connections to this endpoint use TLS (mode, CA, client certificate and key,
   * server name); null: the defaults ({@link #effectiveTls()}).
   */
  public TlsSettings tls;

  /**
   * The older way to give a CA bundle (a path on the worker): the same as {@code tls.caFile}, so
   * with no {@code tls.mode} it means {@code verify-ca} with this CA (the chain is checked, the
   * name is not). Kept so existing requests work unchanged.
   */
  public String tlsCaFile;

  public Endpoint() {}

  public Endpoint(String host, int port, String user, String password) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
  }

  @JsonIgnore
  public String address() {
    return host + ":" + port;
  }

  @JsonIgnore
  public boolean isRdsFamily() {
    return "rds-mysql".equals(flavor) || "aurora-mysql".equals(flavor);
  }

  /**
   * The TLS settings connections use: a copy of {@link #tls} (never null) with {@link #tlsCaFile}
   * folded in as its CA and the default mode filled in: {@code verify-ca} when a CA is given,
   * {@code required} on rds-mysql/aurora-mysql (which always offer TLS), else {@code preferred}.
   * Validation refuses contradictions (two different CA files, a CA with preferred/required).
   */
  @JsonIgnore
  public TlsSettings effectiveTls() {
    TlsSettings t = tls == null ? new TlsSettings() : tls.copy();
    if (TlsSettings.blank(t.caFile) && !TlsSettings.blank(tlsCaFile)) t.caFile = tlsCaFile;
    if (TlsSettings.blank(t.mode)) {
      t.mode = !TlsSettings.blank(t.caFile) ? TlsSettings.VERIFY_CA
          : isRdsFamily() ? TlsSettings.REQUIRED : TlsSettings.PREFERRED;
    }
    return t;
  }

  @JsonIgnore
  public String replicationHostOrHost() {
    return replicationHost == null || replicationHost.isBlank() ? host : replicationHost;
  }

  @JsonIgnore
  public int replicationPortOrPort() {
    return replicationPort == null ? port : replicationPort;
  }

  @Override
  public String toString() {
    return flavor + "://" + user + "@" + host + ":" + port;
  }
}
