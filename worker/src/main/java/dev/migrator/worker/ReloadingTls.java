package dev.migrator.worker;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSslSessionContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * The client TLS context for Temporal, with certificates that can change under a running process.
 *
 * <p>Why not the SDK's {@code SimpleSslContextBuilder}: it reads the certificate and key once into
 * a fixed context, so a rotated certificate needs a restart. Instead, the context is built with
 * grpc-java's {@link AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager} (grpc-util,
 * the same gRPC the SDK runs on), whose credentials can be swapped while the context is in use:
 * every new TLS handshake takes the current ones. The managers' own file watchers refresh at most
 * once a minute and swap a certificate/key pair as soon as both files changed, so migrator runs
 * its own check instead: every {@code MIGRATOR_TLS_RELOAD_SECONDS} (default 60) it compares the
 * files' modification times and, on a change, reads them, and swaps the client identity only once
 * the key matches the certificate (a pair caught half-written is retried at the next check, the old
 * identity stays in use meanwhile); the CA bundle likewise.
 *
 * <p>Connections already open keep the identity they were opened with (TLS checks certificates at
 * the handshake); the SDK re-establishes its connections every minute (its gRPC reconnect
 * frequency), so a rotation is in use within about a reload interval plus a minute.
 *
 * <p>Keys must be PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), RSA or EC; a PKCS#1 or SEC1 key
 * is refused with the openssl command that converts it. Errors name the setting or file, never PEM
 * contents.
 */
final class ReloadingTls {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReloadingTls.class);
  private static final ScheduledExecutorService RELOADER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "migrator-tls-reload");
    t.setDaemon(true);
    return t;
  });

  private final TemporalConnection settings;
  private final AdvancedTlsX509KeyManager keyManager;
  private final AdvancedTlsX509TrustManager trustManager;
  private final List<WeakReference<SslContext>> contexts = new CopyOnWriteArrayList<>();
  private long certTime;
  private long keyTime;
  private long caTime;

  private ReloadingTls(TemporalConnection settings, AdvancedTlsX509KeyManager keyManager,
      AdvancedTlsX509TrustManager trustManager) {
    this.settings = settings;
    this.keyManager = keyManager;
    this.trustManager = trustManager;
  }

  static ReloadingTls create(TemporalConnection s) {
    try {
      AdvancedTlsX509TrustManager tm = AdvancedTlsX509TrustManager.newBuilder()
          .setVerification(s.tlsDisableHostVerification
              ? AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION
              : AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
          .build();
      boolean ownCa = s.tlsCaPath != null || s.tlsCaData != null;
      if (!ownCa) tm.useSystemDefaultTrustCerts();
      boolean identity = s.tlsCertPath != null || s.tlsCertData != null;
      ReloadingTls t = new ReloadingTls(s, identity ? new AdvancedTlsX509KeyManager() : null, tm);
      if (ownCa) t.loadCa(true);
      if (identity) t.loadIdentity(true);
      t.scheduleReload();
      return t;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for Temporal: " + e.getMessage(), e);
    }
  }

  SslContext sslContext() {
    SslContextBuilder b = GrpcSslContexts.forClient().trustManager(trustManager);
    if (keyManager != null) b.keyManager(keyManager);
    try {
      SslContext ctx = b.build();
      contexts.add(new WeakReference<>(ctx));
      return ctx;
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS for Temporal: " + e.getMessage(), e);
    }
  }

  /**
   * Drops cached TLS sessions: a resumed session skips the certificate exchange, so without this a
   * reconnect would go on presenting (and trusting) what the old session was made with.
   */
  private void forgetSessions() {
    for (WeakReference<SslContext> ref : contexts) {
      SslContext ctx = ref.get();
      SSLSessionContext sc = ctx == null ? null : ctx.sessionContext();
      if (sc == null) continue;
      if (sc instanceof OpenSslSessionContext o && o.isSessionCacheEnabled()) {
        o.setSessionCacheEnabled(false); // empties the cache
        o.setSessionCacheEnabled(true);
      }
      for (Enumeration<byte[]> ids = sc.getIds(); ids.hasMoreElements(); ) {
        SSLSession session = sc.getSession(ids.nextElement());
        if (session != null) session.invalidate();
      }
    }
    contexts.removeIf(r -> r.get() == null);
  }

  private boolean hasFiles() {
    return settings.tlsCertPath != null || settings.tlsKeyPath != null || settings.tlsCaPath != null;
  }

  private void scheduleReload() {
    Duration every = settings.tlsReloadInterval;
    if (!hasFiles() || every == null || every.isZero()) return;
    // The task holds this object; this object holds its contexts weakly: once every channel (and
    // so every context) built from it is gone, the check cancels itself.
    AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
    self.set(RELOADER.scheduleWithFixedDelay(() -> {
      if (!contexts.isEmpty() && contexts.stream().allMatch(r -> r.get() == null)) {
        ScheduledFuture<?> f = self.get();
        if (f != null) f.cancel(false);
        return;
      }
      reloadIfChanged();
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS));
  }

  synchronized void reloadIfChanged() {
    try {
      if (settings.tlsCaPath != null) loadCa(false);
      if (keyManager != null && (settings.tlsCertPath != null || settings.tlsKeyPath != null)) loadIdentity(false);
    } catch (RuntimeException | GeneralSecurityException e) {
      log.warn("TLS files for Temporal changed but cannot be used yet ({}); keeping the previous ones", e.getMessage());
    }
  }

  private void loadCa(boolean initial) throws GeneralSecurityException {
    if (settings.tlsCaPath != null) {
      Path p = Path.of(settings.tlsCaPath);
      long t = modified(p, "TEMPORAL_TLS_CA");
      if (!initial && t == caTime) return;
      X509Certificate[] ca = certificates(read(p, "TEMPORAL_TLS_CA"), "TEMPORAL_TLS_CA " + p);
      update(ca);
      caTime = t;
      if (!initial) {
        forgetSessions();
        log.info("reloaded the Temporal CA bundle from {} ({} certificates)", p, ca.length);
      }
    } else {
      update(certificates(settings.tlsCaData, "TEMPORAL_TLS_CA_DATA"));
    }
  }

  private void update(X509Certificate[] ca) throws GeneralSecurityException {
    try {
      trustManager.updateTrustCredentials(ca);
    } catch (IOException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  private void loadIdentity(boolean initial) throws GeneralSecurityException {
    Path cp = settings.tlsCertPath == null ? null : Path.of(settings.tlsCertPath);
    Path kp = settings.tlsKeyPath == null ? null : Path.of(settings.tlsKeyPath);
    long ct = cp == null ? 0 : modified(cp, "TEMPORAL_TLS_CERT");
    long kt = kp == null ? 0 : modified(kp, "TEMPORAL_TLS_KEY");
    if (!initial && ct == certTime && kt == keyTime) return;
    String certWhat = cp == null ? "TEMPORAL_TLS_CERT_DATA" : "TEMPORAL_TLS_CERT " + cp;
    String keyWhat = kp == null ? "TEMPORAL_TLS_KEY_DATA" : "TEMPORAL_TLS_KEY " + kp;
    X509Certificate[] chain = certificates(cp == null ? settings.tlsCertData : read(cp, "TEMPORAL_TLS_CERT"), certWhat);
    PrivateKey key = privateKey(kp == null ? settings.tlsKeyData : read(kp, "TEMPORAL_TLS_KEY"), keyWhat);
    if (!matches(chain[0], key)) {
      throw new GeneralSecurityException("the private key (" + keyWhat + ") does not belong to the certificate ("
          + certWhat + ")");
    }
    keyManager.updateIdentityCredentials(chain, key);
    certTime = ct;
    keyTime = kt;
    if (!initial) {
      forgetSessions();
      log.info("reloaded the Temporal client certificate (subject {}, valid until {}) from {}",
          chain[0].getSubjectX500Principal().getName(), chain[0].getNotAfter().toInstant(), certWhat);
    }
  }

  private static long modified(Path p, String what) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String read(Path p, String what) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  static X509Certificate[] certificates(String pem, String what) {
    try {
      X509Certificate[] c = CertificateUtils.getX509Certificates(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
      if (c.length == 0) throw new IllegalArgumentException(what + ": no PEM certificate found");
      return c;
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalArgumentException(what + ": not a PEM certificate (" + e.getClass().getSimpleName() + ")");
    }
  }

  static PrivateKey privateKey(String pem, String what) {
    if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
      throw new IllegalArgumentException(what + ": the key is PKCS#1/SEC1 PEM; the Java SDK needs PKCS#8: convert"
          + " it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pkcs8.pem");
    }
    if (pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
      throw new IllegalArgumentException(what + ": the key is encrypted; give an unencrypted PKCS#8 PEM key");
    }
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException(what + ": not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    try {
      return CertificateUtils.getPrivateKey(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": unreadable PKCS#8 private key (" + e.getClass().getSimpleName()
          + "; RSA and EC keys are supported)");
    }
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  static boolean matches(X509Certificate cert, PrivateKey key) {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> null;
    };
    if (alg == null) return true; // let the handshake judge keys of other kinds
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
