package dev.migrator.mysql;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Looks at a server's TLS without logging in: reads the MySQL/MariaDB greeting (does it offer TLS,
 * the CLIENT_SSL capability?), asks for TLS as a client would and records the certificate the
 * server presents, then hangs up. Used to explain a failed verification (which names the
 * certificate has, which CA issued it) and to see whether a server offers TLS at all.
 *
 * <p>The probe accepts whatever certificate it is shown, on purpose: it sends nothing after the
 * handshake (no user, no password) and only reports what it saw; trust decisions are made by the
 * real connection. The server counts it as an aborted connect (like a port check).
 */
public final class TlsProbe {
  private static final int CLIENT_LONG_PASSWORD = 0x1;
  private static final int CLIENT_PROTOCOL_41 = 0x200;
  private static final int CLIENT_SSL = 0x800;
  private static final int CLIENT_SECURE_CONNECTION = 0x8000;

  private TlsProbe() {}

  /** What the probe saw. {@code error} is set when it could not tell (the other fields are then partial). */
  public record Result(boolean offersTls, String serverVersion, String protocol, List<X509Certificate> chain,
      String error) {
    /** The server certificate's names: DNS and IP subject alternative names, then the subject's CN. */
    public List<String> names() {
      return chain == null || chain.isEmpty() ? List.of() : TlsProbe.names(chain.get(0));
    }

    public String subject() {
      return chain == null || chain.isEmpty() ? null : chain.get(0).getSubjectX500Principal().getName();
    }

    public String issuer() {
      return chain == null || chain.isEmpty() ? null : chain.get(0).getIssuerX500Principal().getName();
    }
  }

  public static Result probe(String host, int port, int timeoutMillis) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] greeting = readPacket(in);
      if (greeting.length == 0) return new Result(false, null, null, List.of(), "empty greeting");
      if ((greeting[0] & 0xff) == 0xff) {
        String msg = greeting.length > 3 ? new String(greeting, 3, greeting.length - 3, StandardCharsets.UTF_8) : "";
        return new Result(false, null, null, List.of(), "the server refused the connection: " + msg.replaceFirst("^#\\w{5}", ""));
      }
      int i = 1;
      int nul = i;
      while (nul < greeting.length && greeting[nul] != 0) nul++;
      String version = new String(greeting, i, nul - i, StandardCharsets.US_ASCII);
      i = nul + 1 + 4 + 8 + 1; // thread id, auth data part 1, filler
      if (i + 2 > greeting.length) return new Result(false, version, null, List.of(), "short greeting");
      int caps = (greeting[i] & 0xff) | ((greeting[i + 1] & 0xff) << 8);
      if ((caps & CLIENT_SSL) == 0) return new Result(false, version, null, List.of(), null);
      OutputStream out = s.getOutputStream();
      byte[] req = new byte[4 + 32];
      req[0] = 32;
      req[3] = 1; // sequence id
      int flags = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION;
      for (int b = 0; b < 4; b++) req[4 + b] = (byte) (flags >>> (8 * b));
      req[4 + 4 + 3] = 0x01; // max packet 16 MiB
      req[4 + 8] = 45; // utf8mb4_general_ci
      out.write(req);
      out.flush();
      List<X509Certificate> seen = new ArrayList<>();
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new Recorder(seen)}, null);
      try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(s, host, port, true)) {
        tls.setEnabledProtocols(supported(tls));
        tls.startHandshake();
        return new Result(true, version, tls.getSession().getProtocol(), List.copyOf(seen), null);
      } catch (IOException e) {
        return new Result(true, version, null, List.copyOf(seen), "TLS handshake failed: " + e.getMessage());
      }
    } catch (IOException | java.security.GeneralSecurityException e) {
      return new Result(false, null, null, List.of(), e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static String[] supported(SSLSocket s) {
    List<String> out = new ArrayList<>();
    for (String p : s.getSupportedProtocols()) if (p.equals("TLSv1.3") || p.equals("TLSv1.2")) out.add(p);
    return out.toArray(new String[0]);
  }

  private static byte[] readPacket(DataInputStream in) throws IOException {
    byte[] h = new byte[4];
    in.readFully(h);
    int len = (h[0] & 0xff) | ((h[1] & 0xff) << 8) | ((h[2] & 0xff) << 16);
    if (len > 1 << 16) throw new IOException("not a MySQL greeting (" + len + " bytes)");
    byte[] p = new byte[len];
    in.readFully(p);
    return p;
  }

  /** DNS:name and IP:address subject alternative names, then CN=... of the subject. */
  static List<String> names(X509Certificate c) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> alt = c.getSubjectAlternativeNames();
      if (alt != null) {
        for (List<?> a : alt) {
          int type = (Integer) a.get(0);
          if (type == 2) out.add("DNS:" + a.get(1));
          if (type == 7) out.add("IP:" + a.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      // no readable SANs: the CN below is all there is
    }
    try {
      for (Rdn r : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
        if (r.getType().equalsIgnoreCase("CN")) out.add("CN=" + r.getValue());
      }
    } catch (javax.naming.InvalidNameException e) {
      // an unparsable subject adds no name
    }
    return out;
  }

  /** Accepts and records: the probe only reports what the server presents. */
  private record Recorder(List<X509Certificate> seen) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      seen.clear();
      seen.addAll(List.of(chain));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
