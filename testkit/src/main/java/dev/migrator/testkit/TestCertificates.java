package dev.migrator.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CA, a server certificate for 127.0.0.1 and localhost (subject alternative names IP:127.0.0.1,
 * DNS:localhost; CN=127.0.0.1) signed by it, a client certificate signed by it (CN=migrator-client,
 * key in PKCS#8 as openssl writes it), and an unrelated CA, made with openssl, for tests that need
 * a server with certificates of their own (TLS verification, require_secure_transport, X.509
 * accounts). {@link #client} makes more client certificates, with RSA or EC keys in the other PEM
 * forms openssl writes.
 */
public final class TestCertificates {
  public final Path dir;
  public final Path ca;
  public final Path otherCa;
  public final Path serverCert;
  public final Path serverKey;
  public final Path clientCert;
  public final Path clientKey;

  private TestCertificates(Path dir) {
    this.dir = dir;
    ca = dir.resolve("ca.pem");
    otherCa = dir.resolve("other-ca.pem");
    serverCert = dir.resolve("server.pem");
    serverKey = dir.resolve("server.key");
    clientCert = dir.resolve("client.pem");
    clientKey = dir.resolve("client.key");
  }

  /** Null when openssl is not installed. */
  public static TestCertificates make(Path dir) throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of("/usr/bin/openssl"))) return null;
    TestCertificates c = new TestCertificates(dir);
    Files.writeString(dir.resolve("ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=preflight-test-ca");
    run(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
        "/CN=127.0.0.1");
    run(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "server.pem", "-days", "2", "-extfile", "ext");
    run(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other-ca.pem", "-days",
        "2", "-subj", "/CN=some-other-ca");
    c.client("client", "migrator-client", "rsa");
    return c;
  }

  /**
   * A client certificate {@code <name>.pem} for CN={@code cn} signed by the CA, and its key
   * {@code <name>.key}: {@code "rsa"} (PKCS#8, BEGIN PRIVATE KEY), {@code "rsa-pkcs1"} (BEGIN RSA
   * PRIVATE KEY), {@code "ec"} (P-256, SEC1 BEGIN EC PRIVATE KEY after an EC PARAMETERS block).
   * Returns {certificate, key}.
   */
  public Path[] client(String name, String cn, String keyType) throws IOException, InterruptedException {
    String key = name + ".key";
    switch (keyType) {
      case "rsa" -> run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key);
      case "rsa-pkcs1" -> run(dir, "genrsa", "-traditional", "-out", key, "2048");
      case "ec" -> run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", key);
      default -> throw new IllegalArgumentException("key type " + keyType + ": rsa, rsa-pkcs1 or ec");
    }
    run(dir, "req", "-new", "-key", key, "-out", name + ".csr", "-subj", "/CN=" + cn);
    run(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        name + ".pem", "-days", "2");
    return new Path[] {dir.resolve(name + ".pem"), dir.resolve(key)};
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
