package dev.migrator.worker;

import io.grpc.ManagedChannelBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How to reach the Temporal frontend: address, namespace, TLS (server-verified or mutual) and API
 * key. Read from the same environment variables as the {@code temporal} CLI, so one environment
 * serves the CLI, migrator's CLI and the worker:
 *
 * <pre>
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS (true/false; default true when any other TLS setting or an API key is set),
 * TEMPORAL_TLS_CERT / TEMPORAL_TLS_CERT_DATA, TEMPORAL_TLS_KEY / TEMPORAL_TLS_KEY_DATA (client certificate: mTLS),
 * TEMPORAL_TLS_CA / TEMPORAL_TLS_CA_DATA (trusted CAs; default the JVM's), TEMPORAL_TLS_SERVER_NAME,
 * TEMPORAL_TLS_DISABLE_HOST_VERIFICATION
 * </pre>
 *
 * plus {@code MIGRATOR_TLS_RELOAD_SECONDS} (default 60): how often the certificate, key and CA
 * files are checked for changes (see {@link ReloadingTls}). This one class builds the {@link
 * WorkflowServiceStubsOptions} for the worker and the CLI.
 *
 * <p>The API key and PEM data never appear in {@link #toString()}, {@link #describe()} or errors.
 */
public final class TemporalConnection {
  public String address = "127.0.0.1:7233";
  public String namespace = "default";
  /** TEMPORAL_TLS; null = on when any other TLS setting or an API key is given (as the temporal CLI). */
  public Boolean tls;
  public String tlsCertPath;
  public String tlsCertData;
  public String tlsKeyPath;
  public String tlsKeyData;
  public String tlsCaPath;
  public String tlsCaData;
  public String tlsServerName;
  public boolean tlsDisableHostVerification;
  /** TEMPORAL_API_KEY: sent as "Authorization: Bearer ..." on every call. */
  public String apiKey;
  /** MIGRATOR_TLS_RELOAD_SECONDS: how often the PEM files are checked for changes (0 = never). */
  public Duration tlsReloadInterval = Duration.ofSeconds(60);

  public TemporalConnection() {}

  public TemporalConnection(String address, String namespace) {
    this.address = address;
    this.namespace = namespace;
  }

  public static TemporalConnection fromEnvironment(Map<String, String> env) {
    TemporalConnection c = new TemporalConnection();
    c.address = value(env, "TEMPORAL_ADDRESS", c.address);
    c.namespace = value(env, "TEMPORAL_NAMESPACE", c.namespace);
    String tls = value(env, "TEMPORAL_TLS", null);
    c.tls = tls == null ? null : bool("TEMPORAL_TLS", tls);
    c.tlsCertPath = value(env, "TEMPORAL_TLS_CERT", null);
    c.tlsCertData = value(env, "TEMPORAL_TLS_CERT_DATA", null);
    c.tlsKeyPath = value(env, "TEMPORAL_TLS_KEY", null);
    c.tlsKeyData = value(env, "TEMPORAL_TLS_KEY_DATA", null);
    c.tlsCaPath = value(env, "TEMPORAL_TLS_CA", null);
    c.tlsCaData = value(env, "TEMPORAL_TLS_CA_DATA", null);
    c.tlsServerName = value(env, "TEMPORAL_TLS_SERVER_NAME", null);
    String dhv = value(env, "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", null);
    c.tlsDisableHostVerification = dhv != null && bool("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", dhv);
    c.apiKey = value(env, "TEMPORAL_API_KEY", null);
    String reload = value(env, "MIGRATOR_TLS_RELOAD_SECONDS", null);
    if (reload != null) {
      try {
        long s = Long.parseLong(reload.trim());
        if (s < 0) throw new NumberFormatException();
        c.tlsReloadInterval = Duration.ofSeconds(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("MIGRATOR_TLS_RELOAD_SECONDS must be a number of seconds >= 0, not '" + reload + "'");
      }
    }
    return c;
  }

  public TemporalConnection copy() {
    TemporalConnection c = new TemporalConnection(address, namespace);
    c.tls = tls;
    c.tlsCertPath = tlsCertPath;
    c.tlsCertData = tlsCertData;
    c.tlsKeyPath = tlsKeyPath;
    c.tlsKeyData = tlsKeyData;
    c.tlsCaPath = tlsCaPath;
    c.tlsCaData = tlsCaData;
    c.tlsServerName = tlsServerName;
    c.tlsDisableHostVerification = tlsDisableHostVerification;
    c.apiKey = apiKey;
    c.tlsReloadInterval = tlsReloadInterval;
    return c;
  }

  private static String value(Map<String, String> env, String name, String dflt) {
    String v = env.get(name);
    return v == null || v.isBlank() ? dflt : v;
  }

  private static boolean bool(String name, String v) {
    String s = v.trim().toLowerCase(java.util.Locale.ROOT);
    if (s.equals("true") || s.equals("1") || s.equals("yes")) return true;
    if (s.equals("false") || s.equals("0") || s.equals("no")) return false;
    throw new IllegalArgumentException(name + " must be true or false, not '" + v + "'");
  }

  private static boolean set(String s) {
    return s != null && !s.isBlank();
  }

  boolean anyTlsOption() {
    return set(tlsCertPath) || set(tlsCertData) || set(tlsKeyPath) || set(tlsKeyData) || set(tlsCaPath)
        || set(tlsCaData) || set(tlsServerName) || tlsDisableHostVerification;
  }

  /** TLS on: TEMPORAL_TLS, or else any TLS setting or an API key (the temporal CLI's rule). */
  public boolean tlsEnabled() {
    return tls != null ? tls : anyTlsOption() || set(apiKey);
  }

  /** A client certificate is presented (mutual TLS). */
  public boolean mutualTls() {
    return tlsEnabled() && (set(tlsCertPath) || set(tlsCertData));
  }

  /** Checks the settings fit together; the message names the settings, never their values. */
  public void validate() {
    normalize();
    List<String> problems = new ArrayList<>();
    if (!set(address)) problems.add("TEMPORAL_ADDRESS (--address) is empty");
    exclusive(problems, tlsCertPath, tlsCertData, "TEMPORAL_TLS_CERT (--tls-cert-path)", "TEMPORAL_TLS_CERT_DATA (--tls-cert-data)");
    exclusive(problems, tlsKeyPath, tlsKeyData, "TEMPORAL_TLS_KEY (--tls-key-path)", "TEMPORAL_TLS_KEY_DATA (--tls-key-data)");
    exclusive(problems, tlsCaPath, tlsCaData, "TEMPORAL_TLS_CA (--tls-ca-path)", "TEMPORAL_TLS_CA_DATA (--tls-ca-data)");
    boolean cert = set(tlsCertPath) || set(tlsCertData);
    boolean key = set(tlsKeyPath) || set(tlsKeyData);
    if (cert != key) {
      problems.add(cert ? "a client certificate needs its private key: set TEMPORAL_TLS_KEY (--tls-key-path)"
          : "a private key needs its client certificate: set TEMPORAL_TLS_CERT (--tls-cert-path)");
    }
    if (Boolean.FALSE.equals(tls) && anyTlsOption()) {
      problems.add("TEMPORAL_TLS=false (--tls=false) but TLS certificate, CA or server name settings are given");
    }
    if (!problems.isEmpty()) throw new IllegalArgumentException("Temporal connection settings: " + String.join("; ", problems));
  }

  /** Blank strings (an empty flag or variable) mean "not set". */
  private void normalize() {
    tlsCertPath = blankToNull(tlsCertPath);
    tlsCertData = blankToNull(tlsCertData);
    tlsKeyPath = blankToNull(tlsKeyPath);
    tlsKeyData = blankToNull(tlsKeyData);
    tlsCaPath = blankToNull(tlsCaPath);
    tlsCaData = blankToNull(tlsCaData);
    tlsServerName = blankToNull(tlsServerName);
    apiKey = blankToNull(apiKey);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static void exclusive(List<String> problems, String a, String b, String an, String bn) {
    if (set(a) && set(b)) problems.add(an + " and " + bn + " are exclusive: give one");
  }

  /**
   * Service stubs options for these settings: target, TLS (an {@link ReloadingTls} context when
   * certificates, a CA or host-verification settings are given, else the JVM's default trust), the
   * server name as the channel authority, the API key as a bearer token.
   */
  public WorkflowServiceStubsOptions.Builder serviceStubsOptions() {
    validate();
    WorkflowServiceStubsOptions.Builder o = WorkflowServiceStubsOptions.newBuilder().setTarget(address);
    if (tlsEnabled()) {
      if (anyTlsOption()) {
        o.setSslContext(ReloadingTls.create(this).sslContext());
      } else {
        o.setEnableHttps(true);
      }
      if (set(tlsServerName)) {
        String authority = tlsServerName.trim();
        Consumer<ManagedChannelBuilder<?>> init = b -> b.overrideAuthority(authority);
        o.setChannelInitializer(init);
      }
    } else {
      o.setEnableHttps(false);
    }
    if (set(apiKey)) {
      String key = apiKey.trim();
      o.addApiKey(() -> key);
    }
    return o;
  }

  /** For logs: address, namespace and the security in use; never the key or PEM contents. */
  public String describe() {
    StringBuilder s = new StringBuilder(address).append(" (namespace ").append(namespace).append(", ");
    if (!tlsEnabled()) {
      s.append("plaintext");
    } else {
      s.append(mutualTls() ? "mTLS" : "TLS");
      if (set(tlsCertPath)) s.append(", client certificate ").append(tlsCertPath);
      else if (set(tlsCertData)) s.append(", client certificate from TEMPORAL_TLS_CERT_DATA");
      if (set(tlsCaPath)) s.append(", CA ").append(tlsCaPath);
      else if (set(tlsCaData)) s.append(", CA from TEMPORAL_TLS_CA_DATA");
      if (set(tlsServerName)) s.append(", server name ").append(tlsServerName);
      if (tlsDisableHostVerification) s.append(", host name NOT verified");
    }
    if (set(apiKey)) s.append(", API key");
    return s.append(')').toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
