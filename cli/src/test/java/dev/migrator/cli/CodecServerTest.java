package dev.migrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.migrator.worker.PayloadEncryptionCodec;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The codec server over HTTP: round trips, authorization, CORS, payloads it cannot decrypt. */
class CodecServerTest {
  static final String TOKEN = "codec-token-5d1e";
  static final String UI = "http://ui.example:8233";
  static final byte[] K1 = key();
  static final byte[] K0 = key();
  static CodecServer server;
  static final HttpClient http = HttpClient.newHttpClient();

  static byte[] key() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  @BeforeAll
  static void start() throws Exception {
    server = CodecServer.start("127.0.0.1", 0, new PayloadEncryptionCodec("k1", Map.of("k1", K1, "k0", K0)),
        List.of(UI + "/"), TOKEN);
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
        .header("Content-Type", "application/json").header("X-Namespace", "default")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String json(Payloads p) throws Exception {
    return JsonFormat.printer().print(p);
  }

  static Payloads parse(String json) throws Exception {
    Payloads.Builder b = Payloads.newBuilder();
    JsonFormat.parser().merge(json, b);
    return b.build();
  }

  static final Payloads PLAIN = DefaultDataConverter.STANDARD_INSTANCE
      .toPayloads(Map.of("host", "orders-db.internal", "password", "secret:prod/orders#password"), "second").orElseThrow();

  @Test
  void encodeAndDecodeRoundTripInTheProtocolsJson() throws Exception {
    HttpResponse<String> enc = post("/encode", json(PLAIN), "Authorization", "Bearer " + TOKEN);
    assertEquals(200, enc.statusCode(), enc.body());
    assertEquals("application/json", enc.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("no-store", enc.headers().firstValue("Cache-Control").orElseThrow());
    Payloads encrypted = parse(enc.body());
    assertEquals(2, encrypted.getPayloadsCount());
    for (Payload p : encrypted.getPayloadsList()) assertTrue(PayloadEncryptionCodec.isEncrypted(p));
    assertFalse(enc.body().contains("orders-db"));

    // Mounted under any prefix: only the last path segment counts.
    HttpResponse<String> dec = post("/codec/default/decode", enc.body(), "Authorization", "Bearer " + TOKEN);
    assertEquals(200, dec.statusCode(), dec.body());
    assertEquals(PLAIN, parse(dec.body()));

    // Plain payloads decode unchanged; so do ones under a key id this server lacks (logged).
    Payload foreign = new PayloadEncryptionCodec("k9", Map.of("k9", key())).encode(List.of(PLAIN.getPayloads(0))).get(0);
    Payload old = new PayloadEncryptionCodec("k0", Map.of("k0", K0)).encode(List.of(PLAIN.getPayloads(1))).get(0);
    Payloads mixed = Payloads.newBuilder().addPayloads(PLAIN.getPayloads(0)).addPayloads(foreign).addPayloads(old).build();
    Payloads back = parse(post("/decode", json(mixed), "Authorization", "Bearer " + TOKEN).body());
    assertEquals(List.of(PLAIN.getPayloads(0), foreign, PLAIN.getPayloads(1)), back.getPayloadsList());

    assertEquals("{\"payloads\":[]}", post("/decode", "{}", "Authorization", "Bearer " + TOKEN).body());
  }

  @Test
  void requestsWithoutTheBearerTokenAreRefusedWith401() throws Exception {
    String body = json(PLAIN);
    for (String[] h : List.of(new String[] {}, new String[] {"Authorization", "Bearer wrong"},
        new String[] {"Authorization", TOKEN}, new String[] {"Authorization", "Basic " + TOKEN})) {
      HttpResponse<String> r = post("/decode", body, h);
      assertEquals(401, r.statusCode(), List.of(h).toString());
      assertEquals("Bearer realm=\"migrator-codec\"", r.headers().firstValue("WWW-Authenticate").orElseThrow());
      assertFalse(r.body().contains("payloads"), "not a Payloads body: the Web UI shows the payloads undecoded");
    }
    assertEquals(401, post("/encode", body).statusCode());
  }

  @Test
  void browsersFromTheUiOriginOnlyAndPreflightsNeedNoToken() throws Exception {
    HttpResponse<String> pre = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/decode"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", UI)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type,x-namespace,authorization").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(204, pre.statusCode());
    assertEquals(UI, pre.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    String allowed = pre.headers().firstValue("Access-Control-Allow-Headers").orElseThrow();
    for (String h : List.of("Content-Type", "X-Namespace", "Authorization")) assertTrue(allowed.contains(h), allowed);
    assertTrue(pre.headers().firstValue("Access-Control-Allow-Methods").orElseThrow().contains("POST"));

    HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/decode"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://evil.example")
        .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, other.statusCode());
    assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());

    HttpResponse<String> fromUi = post("/decode", json(PLAIN), "Origin", UI, "Authorization", "Bearer " + TOKEN);
    assertEquals(UI, fromUi.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    HttpResponse<String> refusedFromUi = post("/decode", json(PLAIN), "Origin", UI);
    assertEquals(401, refusedFromUi.statusCode());
    assertEquals(UI, refusedFromUi.headers().firstValue("Access-Control-Allow-Origin").orElseThrow(),
        "the UI can read the refusal");
    assertNull(post("/decode", json(PLAIN), "Origin", "http://evil.example", "Authorization", "Bearer " + TOKEN)
        .headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  @Test
  void otherRequestsAreRefused() throws Exception {
    assertEquals(400, post("/decode", "not json", "Authorization", "Bearer " + TOKEN).statusCode());
    assertEquals(404, post("/other", "{}", "Authorization", "Bearer " + TOKEN).statusCode());
    assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(server.url() + "/decode")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void theCommandNeedsKeysAndAToken(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(2, Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "codec-server", "--port", "0"));
    assertTrue(err.toString().contains("no payload keys"), err.toString());
    StringWriter err2 = new StringWriter();
    assertEquals(2, Main.run(new PrintWriter(out, true), new PrintWriter(err2, true), "codec-server", "--port", "0",
        "--payload-key", "env:SOME_KEY_THAT_IS_NOT_SET", "--payload-key-id", "k1"));
    assertTrue(err2.toString().contains("environment variable SOME_KEY_THAT_IS_NOT_SET is not set"), err2.toString());
    assumeNoTokenInEnvironment();
    java.nio.file.Path key = dir.resolve("k");
    java.nio.file.Files.writeString(key, java.util.Base64.getEncoder().encodeToString(key()));
    StringWriter err3 = new StringWriter();
    assertEquals(2, Main.run(new PrintWriter(out, true), new PrintWriter(err3, true), "codec-server", "--port", "0",
        "--payload-key", "file:" + key, "--payload-key-id", "k1"));
    assertTrue(err3.toString().contains("give --auth-token REF"), err3.toString());
  }

  static void assumeNoTokenInEnvironment() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("MIGRATOR_CODEC_AUTH_TOKEN") == null);
  }
}
