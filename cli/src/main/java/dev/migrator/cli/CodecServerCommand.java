package dev.migrator.cli;

import dev.migrator.mysql.CredentialResolver;
import dev.migrator.worker.MigratorWorker;
import dev.migrator.worker.PayloadEncryptionCodec;
import dev.migrator.worker.PayloadKeys;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code migrator codec-server}: decodes migrator's encrypted payloads for the Web UI and the temporal CLI. */
@Command(name = "codec-server", description = {
    "Serve Temporal's remote codec endpoints (POST /encode, /decode) with this environment's payload keys, so the"
        + " Web UI (--ui-codec-endpoint, or its Codec Server setting) and the temporal CLI (--codec-endpoint,"
        + " --codec-auth \"Bearer TOKEN\") show decrypted inputs, results and failures.",
    "Every request needs Authorization: Bearer TOKEN (the token from --auth-token), else 401."})
final class CodecServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Main.PayloadKeyOptions payloadKeys;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "8081", description = "port (default ${DEFAULT-VALUE}; 0 = a free one)")
  int port;

  @Option(names = "--cors-origin", split = ",", description = "origin of the Web UI allowed to call from the browser,"
      + " e.g. http://localhost:8233 (repeatable; env MIGRATOR_CODEC_CORS_ORIGINS, comma-separated)")
  List<String> corsOrigins = new ArrayList<>();

  @Option(names = "--auth-token", defaultValue = "${env:MIGRATOR_CODEC_AUTH_TOKEN}", description = "reference"
      + " (env:NAME, file:/path, secret:NAME) to the bearer token requests must carry (env MIGRATOR_CODEC_AUTH_TOKEN)")
  String authTokenRef;

  @Option(names = "--no-auth", description = "accept requests without a token (anyone reaching the port can decrypt)")
  boolean noAuth;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CredentialResolver credentials = MigratorWorker.credentials();
    PayloadEncryptionCodec codec;
    try {
      codec = payloadKeys.keys().codec(credentials);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
    if (codec.keyIds().isEmpty()) {
      err.println("no payload keys: set MIGRATOR_PAYLOAD_KEY and MIGRATOR_PAYLOAD_KEY_ID (or --payload-key,"
          + " --payload-key-id) as for the worker");
      err.flush();
      return 2;
    }
    String token = null;
    if (authTokenRef != null && !authTokenRef.isBlank()) {
      try {
        token = credentials.resolve(authTokenRef.trim(), "--auth-token");
      } catch (ApplicationFailure f) {
        err.println(f.getOriginalMessage());
        err.flush();
        return 2;
      }
      if (token == null || token.isBlank()) {
        err.println("--auth-token " + authTokenRef + " is empty");
        err.flush();
        return 2;
      }
    } else if (!noAuth) {
      err.println("give --auth-token REF (or MIGRATOR_CODEC_AUTH_TOKEN): the bearer token clients must send;"
          + " --no-auth to serve without one");
      err.flush();
      return 2;
    }
    List<String> origins = new ArrayList<>(corsOrigins);
    String envOrigins = System.getenv("MIGRATOR_CODEC_CORS_ORIGINS");
    if (origins.isEmpty() && envOrigins != null && !envOrigins.isBlank()) origins.addAll(List.of(envOrigins.split(",")));
    CodecServer server = CodecServer.start(host, port, codec, origins, token);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    out.println("codec server at " + server.url() + " (POST /encode, /decode); " + PayloadKeys.describe(codec)
        + "; CORS origins " + server.corsOrigins() + "; "
        + (token == null ? "NO authorization" : "bearer token from " + authTokenRef));
    out.flush();
    Thread.currentThread().join();
    return 0;
  }
}
