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

  /** Optional path of a CA bundle; when set, connections use TLS and verify the server. */
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
