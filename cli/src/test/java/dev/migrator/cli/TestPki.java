package dev.migrator.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Throwaway certificate authorities and certificates for TLS tests, made with openssl (Debian's,
 * part of every installation): a CA, certificates it signs (a server certificate for a DNS name, a
 * client certificate for mTLS), EC P-256 keys in PKCS#8 PEM as the Java SDK expects.
 */
final class TestPki {
  final Path dir;
  final String name;
  final Path caPem;
  private final Path caKey;

  private TestPki(Path dir, String name) {
    this.dir = dir;
    this.name = name;
    this.caPem = dir.resolve(name + "-ca.pem");
    this.caKey = dir.resolve(name + "-ca.key");
  }

  /** A new CA named {@code name} in {@code dir}. */
  static TestPki ca(Path dir, String name) {
    TestPki p = new TestPki(dir, name);
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p.caKey.toString(),
        "-out", p.caPem.toString(), "-days", "3", "-subj", "/CN=" + name + " test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return p;
  }

  /** A certificate and key signed by this CA. */
  record Issued(Path cert, Path key) {}

  Issued server(String cn, String dnsName) {
    return issue(cn, "subjectAltName=DNS:" + dnsName + "\nextendedKeyUsage=serverAuth\n");
  }

  Issued client(String cn) {
    return issue(cn, "extendedKeyUsage=clientAuth\n");
  }

  private Issued issue(String cn, String extensions) {
    String base = name + "-" + cn.replaceAll("[^A-Za-z0-9]", "-");
    Path csr = dir.resolve(base + ".csr");
    Path cert = dir.resolve(base + ".pem");
    Path key = dir.resolve(base + ".key");
    Path ext = dir.resolve(base + ".ext");
    try {
      Files.writeString(ext, extensions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
        "-out", csr.toString(), "-subj", "/CN=" + cn);
    openssl("x509", "-req", "-in", csr.toString(), "-CA", caPem.toString(), "-CAkey", caKey.toString(),
        "-CAcreateserial", "-out", cert.toString(), "-days", "3", "-extfile", ext.toString());
    return new Issued(cert, key);
  }

  private static void openssl(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + out);
    } catch (IOException e) {
      throw new IllegalStateException("the TLS tests need openssl (apt-get install -y openssl)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
