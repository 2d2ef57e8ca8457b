package dev.migrator.mysql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client certificate and its private key, as PEM files on the worker (what {@code mysql
 * --ssl-cert/--ssl-key} and openssl use), turned into the PKCS12 key store Connector/J reads
 * ({@code clientCertificateKeyStoreUrl}). The key may be PKCS#8 ({@code BEGIN PRIVATE KEY}, what
 * {@code openssl req -newkey}/{@code genpkey} write), PKCS#1 ({@code BEGIN RSA PRIVATE KEY},
 * {@code openssl genrsa -traditional}) or SEC1 ({@code BEGIN EC PRIVATE KEY}, {@code openssl
 * ecparam -genkey}); the traditional forms are wrapped into PKCS#8 with the algorithm identifier
 * of the certificate's own public key, then read by the JDK's {@link KeyFactory} (no other
 * library: the JDK reads PKCS#8, and the wrapping is a few bytes of DER). Encrypted keys are
 * refused (decrypt them with {@code openssl pkey}).
 *
 * <p>The key must belong to the certificate: a signature made with it is verified with the
 * certificate's public key before the store is written. The store is a temp file readable by the
 * worker's user only, in a directory of its own (mode 700), deleted at exit, protected by a random
 * password that lives in this process's memory only; it is rebuilt when either file changes. No
 * message here carries anything from the key file but its path.
 */
public final class ClientKeyStore {
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*(?:Proc-Type:[^\\n]*\\n)?(?:DEK-Info:[^\\n]*\\n)?([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final String PASSWORD = HexFormat.of().formatHex(random(24));
  private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();
  private static volatile Path dir;

  private ClientKeyStore() {}

  /** The Connector/J properties that present this certificate. */
  public static Map<String, String> properties(String certFile, String keyFile) {
    Path store = store(Path.of(certFile), Path.of(keyFile));
    return Map.of("clientCertificateKeyStoreUrl", "file:" + store, "clientCertificateKeyStoreType", "PKCS12",
        "clientCertificateKeyStorePassword", PASSWORD, "fallbackToSystemKeyStore", "false");
  }

  static Path store(Path cert, Path key) {
    String k = version(cert) + "|" + version(key);
    return BUILT.computeIfAbsent(k, x -> build(cert, key));
  }

  private static String version(Path p) {
    try {
      return p.toAbsolutePath() + "@" + Files.getLastModifiedTime(p).toMillis() + "/" + Files.size(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + p + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static Path build(Path certFile, Path keyFile) {
    List<X509Certificate> chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile, chain.get(0));
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("client", key, PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
      Path out = Files.createTempFile(privateDir(), "client-", ".p12",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      out.toFile().deleteOnExit();
      try (OutputStream o = Files.newOutputStream(out)) {
        ks.store(o, PASSWORD.toCharArray());
      }
      return out;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot build a key store from the client certificate " + certFile
          + " and its key " + keyFile + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static synchronized Path privateDir() throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      dir = Files.createTempDirectory("migrator-tls-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      dir.toFile().deleteOnExit();
    }
    return dir;
  }

  /** The certificates of a PEM (or DER) file, the client's own first. */
  static List<X509Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) out.add((X509Certificate) c);
      if (out.isEmpty()) throw new IllegalArgumentException("the certificate file " + file + " holds no certificate");
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the certificate file " + file + " (" + e.getClass().getSimpleName() + ")", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the certificate file " + file + " holds no readable PEM certificate", e);
    }
  }

  /**
   * The private key of a PEM file, checked against {@code cert}. Messages name the file and the
   * PEM type only: never a byte of the key.
   */
  static PrivateKey privateKey(Path file, X509Certificate cert) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the key file " + file + " (" + e.getClass().getSimpleName()
          + "); check the path and that the worker's user may read it", e);
    }
    Matcher m = PEM.matcher(text);
    String type = null;
    byte[] der = null;
    boolean encrypted = text.contains("Proc-Type: 4,ENCRYPTED");
    while (m.find()) {
      String t = m.group(1);
      if (t.endsWith("PRIVATE KEY")) {
        type = t;
        try {
          der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("the key file " + file + " is not valid PEM (" + t + ")");
        }
        break;
      }
    }
    if (type == null) {
      throw new IllegalArgumentException("the key file " + file + " holds no PEM private key (expected -----BEGIN"
          + " PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }
    if (encrypted || type.equals("ENCRYPTED PRIVATE KEY")) {
      throw new IllegalArgumentException("the key file " + file + " is encrypted; migrator reads unencrypted keys only"
          + " (keep the file readable by the worker only): openssl pkey -in " + file + " -out <new file>");
    }
    PublicKey pub = cert.getPublicKey();
    byte[] pkcs8 = switch (type) {
      case "PRIVATE KEY" -> der;
      case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> wrapPkcs8(der, algorithmIdentifier(pub));
      default -> throw new IllegalArgumentException("the key file " + file + " holds a " + type
          + ", which migrator does not read: convert it with openssl pkcs8 -topk8 -nocrypt");
    };
    PrivateKey key;
    try {
      key = KeyFactory.getInstance(pub.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("the key file " + file + " does not hold a readable " + pub.getAlgorithm()
          + " private key (" + type + "), the algorithm of the certificate's key");
    } finally {
      java.util.Arrays.fill(pkcs8, (byte) 0);
      java.util.Arrays.fill(der, (byte) 0);
    }
    if (!belongs(key, pub)) {
      throw new IllegalArgumentException("the key file " + file + " does not belong to the client certificate (subject "
          + cert.getSubjectX500Principal().getName() + "): give the key the certificate was made for");
    }
    return key;
  }

  /** Signs a random message with the key and verifies it with the certificate's public key. */
  static boolean belongs(PrivateKey key, PublicKey pub) {
    String alg = switch (pub.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
    if (alg == null) return true; // nothing to check with; the server will refuse a wrong key
    try {
      byte[] msg = random(32);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(msg);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(msg);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The AlgorithmIdentifier of a SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING }. */
  static byte[] algorithmIdentifier(PublicKey pub) {
    byte[] spki = pub.getEncoded();
    int[] outer = header(spki, 0);
    int[] inner = header(spki, outer[0]);
    int start = outer[0];
    int end = inner[0] + inner[1];
    return java.util.Arrays.copyOfRange(spki, start, end);
  }

  /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING traditionalKey }. */
  static byte[] wrapPkcs8(byte[] traditional, byte[] algorithmIdentifier) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithmIdentifier);
    body.write(0x04);
    body.writeBytes(length(traditional.length));
    body.writeBytes(traditional);
    byte[] b = body.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(length(b.length));
    out.writeBytes(b);
    java.util.Arrays.fill(b, (byte) 0);
    return out.toByteArray();
  }

  /** {offset of the content, length of the content} of the DER element at {@code at}. */
  static int[] header(byte[] der, int at) {
    int len = der[at + 1] & 0xff;
    int off = at + 2;
    if (len >= 0x80) {
      int n = len & 0x7f;
      len = 0;
      for (int i = 0; i < n; i++) len = (len << 8) | (der[off + i] & 0xff);
      off += n;
    }
    return new int[] {off, len};
  }

  static byte[] length(int n) {
    if (n < 0x80) return new byte[] {(byte) n};
    if (n < 0x100) return new byte[] {(byte) 0x81, (byte) n};
    if (n < 0x10000) return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
