package dev.migrator.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.migrator.worker.PayloadEncryptionCodec;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A codec server (Temporal's remote codec protocol) on the JDK's HTTP server: {@code POST
 * .../encode} and {@code POST .../decode} take and return a {@code Payloads} message in protobuf
 * JSON ({@code {"payloads":[{"metadata":{"encoding":"<base64>"},"data":"<base64>"}]}}), only the
 * last path segment counts. The Temporal Web UI calls it from the browser, so it answers CORS
 * preflights for the configured origins (the UI's address, e.g. {@code http://localhost:8233});
 * the temporal CLI calls it with {@code --codec-endpoint}.
 *
 * <p>Authorization: every encode/decode request must carry {@code Authorization: Bearer <token>}
 * with the configured token (the temporal CLI's {@code --codec-auth}; the Web UI sends its user's
 * access token when "pass access token" is on, to https endpoints only, so behind the UI put a
 * proxy that authenticates users and adds the header), else 401. Preflights carry no credentials
 * by the CORS rules and are answered without it. Without a token (explicit {@code --no-auth}),
 * anyone who reaches the port can decrypt: bind it to 127.0.0.1 then.
 *
 * <p>A payload that does not decrypt (a key id this server lacks) is returned as it came and
 * logged with its key id, so one old payload does not hide the rest of a history.
 */
public final class CodecServer implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CodecServer.class);
  static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

  private final HttpServer http;
  private final ExecutorService executor;
  private final PayloadEncryptionCodec codec;
  private final Set<String> origins;
  private final byte[] expectedAuthorization;

  private CodecServer(HttpServer http, ExecutorService executor, PayloadEncryptionCodec codec, Set<String> origins,
      String token) {
    this.http = http;
    this.executor = executor;
    this.codec = codec;
    this.origins = origins;
    this.expectedAuthorization = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param corsOrigins origins allowed to call from a browser (scheme://host[:port], exactly as the
   *     browser sends them); empty: no browser access
   * @param bearerToken the token every request must bring; null: no authorization check
   */
  public static CodecServer start(String host, int port, PayloadEncryptionCodec codec, Collection<String> corsOrigins,
      String bearerToken) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    ExecutorService ex = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "migrator-codec-server");
      t.setDaemon(true);
      return t;
    });
    Set<String> origins = new LinkedHashSet<>();
    for (String o : corsOrigins) {
      String s = o.trim();
      while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
      if (!s.isEmpty()) origins.add(s);
    }
    CodecServer server = new CodecServer(http, ex, codec, origins, bearerToken);
    http.createContext("/", server::handle);
    http.setExecutor(ex);
    http.start();
    return server;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** http://host:port (the codec endpoint to give the UI and the CLI). */
  public String url() {
    return "http://" + http.getAddress().getHostString() + ":" + port();
  }

  public Set<String> corsOrigins() {
    return origins;
  }

  private void handle(HttpExchange x) throws IOException {
    try {
      respond(x);
    } catch (RuntimeException e) {
      log.warn("codec server: request failed: {}", e.toString());
      try {
        send(x, 500, "codec error: " + e.getClass().getSimpleName());
      } catch (IOException | RuntimeException ignored) {
        // the response was already started
      }
    } finally {
      x.close();
    }
  }

  private void respond(HttpExchange x) throws IOException {
    String origin = x.getRequestHeaders().getFirst("Origin");
    boolean corsOk = origin != null && origins.contains(origin);
    if (corsOk) {
      x.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
      x.getResponseHeaders().set("Access-Control-Allow-Credentials", "true");
      x.getResponseHeaders().add("Vary", "Origin");
    }
    String method = x.getRequestMethod().toUpperCase(Locale.ROOT);
    String path = x.getRequestURI().getPath();
    String op = path.endsWith("/encode") ? "encode" : path.endsWith("/decode") ? "decode" : null;
    if (method.equals("OPTIONS")) {
      if (origin != null && !corsOk) {
        log.info("codec server: refused a browser preflight from origin {} (allowed: {})", origin, origins);
        send(x, 403, "origin not allowed");
        return;
      }
      x.getResponseHeaders().set("Access-Control-Allow-Methods", "POST, OPTIONS");
      x.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization");
      x.getResponseHeaders().set("Access-Control-Max-Age", "600");
      x.sendResponseHeaders(204, -1);
      return;
    }
    if (op == null) {
      send(x, 404, "not found: POST .../encode or .../decode");
      return;
    }
    if (!method.equals("POST")) {
      x.getResponseHeaders().set("Allow", "POST, OPTIONS");
      send(x, 405, "method not allowed");
      return;
    }
    if (!authorized(x.getRequestHeaders().getFirst("Authorization"))) {
      log.info("codec server: refused /{} without a valid bearer token (from {}, namespace {})", op,
          x.getRemoteAddress().getAddress().getHostAddress(), x.getRequestHeaders().getFirst("X-Namespace"));
      x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"migrator-codec\"");
      send(x, 401, "unauthorized: send Authorization: Bearer <token>");
      return;
    }
    byte[] body = readBody(x.getRequestBody());
    if (body == null) {
      send(x, 413, "request too large");
      return;
    }
    Payloads.Builder in = Payloads.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(new String(body, StandardCharsets.UTF_8), in);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      send(x, 400, "not a Payloads JSON object: " + e.getClass().getSimpleName());
      return;
    }
    List<Payload> out = op.equals("encode") ? codec.encode(in.getPayloadsList()) : decodeEach(in.getPayloadsList());
    String json = out.isEmpty() ? "{\"payloads\":[]}"
        : JsonFormat.printer().omittingInsignificantWhitespace().print(Payloads.newBuilder().addAllPayloads(out));
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.getResponseHeaders().set("Cache-Control", "no-store");
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(200, b.length);
    try (OutputStream os = x.getResponseBody()) {
      os.write(b);
    }
  }

  private List<Payload> decodeEach(List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) {
      try {
        out.add(codec.decode(List.of(p)).get(0));
      } catch (PayloadCodecException e) {
        log.warn("codec server: a payload stays encoded: {}", e.getMessage());
        out.add(p);
      }
    }
    return out;
  }

  private boolean authorized(String header) {
    if (expectedAuthorization == null) return true;
    if (header == null) return false;
    return MessageDigest.isEqual(expectedAuthorization, header.trim().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
    return b.length > MAX_BODY_BYTES ? null : b;
  }

  private static void send(HttpExchange x, int code, String text) throws IOException {
    byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    x.sendResponseHeaders(code, b.length);
    try (OutputStream os = x.getResponseBody()) {
      os.write(b);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
