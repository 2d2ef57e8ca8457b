package dev.migrator.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated CA, made with openssl, for
 * tests that need a server with certificates of their own (TLS verification, require_secure_transport).
 */
public final class TestCertificates {
  public final Path ca;
  public final Path otherCa;
  public final Path serverCert;
  public final Path serverKey;

  private TestCertificates(Path dir) {
    ca = dir.resolve("ca.pem");
    otherCa = dir.resolve("other-ca.pem");
    serverCert = dir.resolve("server.pem");
    serverKey = dir.resolve("server.key");
  }

  /** Null when openssl is not installed. */
  public static TestCertificates make(Path dir) throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of("/usr/bin/openssl"))) return null;
    TestCertificates c = new TestCertificates(dir);
    Files.writeString(dir.resolve("ext"), "subjectAltName=IP:127.0.0.1\n");
    run(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=preflight-test-ca");
    run(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
        "/CN=127.0.0.1");
    run(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "server.pem", "-days", "2", "-extfile", "ext");
    run(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other-ca.pem", "-days",
        "2", "-subj", "/CN=some-other-ca");
    return c;
  }

  private static void run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + Files.readString(dir.resolve("openssl.log")));
    }
  }
}
