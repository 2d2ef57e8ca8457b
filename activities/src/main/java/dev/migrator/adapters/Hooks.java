package dev.migrator.adapters;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the operator's hooks: a shell command on the worker, or a JSON webhook. */
final class Hooks {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private Hooks() {}

  /** Runs {@code /bin/sh -c command} with {@code env}; returns the output's tail, fails on a non-zero exit. */
  static String command(String what, String command, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = tail(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw ApplicationFailure.newFailure(what + " command timed out after 5 minutes", "Hook");
      }
      if (p.exitValue() != 0) {
        throw ApplicationFailure.newFailure(what + " command exited " + p.exitValue() + ": " + out, "Hook");
      }
      return out;
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(what + " command could not start: " + e.getMessage(), "Hook");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "Hook");
    }
  }

  /** POSTs {@code json}; returns the HTTP status, fails unless it is 2xx. */
  static int postJson(String what, String url, String json) {
    if (url == null || url.isBlank()) throw ApplicationFailure.newNonRetryableFailure(what + " url is empty", "InvalidRequest");
    try {
      HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() / 100 != 2) {
        throw ApplicationFailure.newFailure(what + " webhook answered HTTP " + res.statusCode() + ": " + tail(res.body()),
            "Hook");
      }
      return res.statusCode();
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(what + " url '" + url + "' is not a valid URL", "InvalidRequest");
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(what + " webhook failed: " + e.getMessage(), "Hook");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "Hook");
    }
  }

  static String json(String s) {
    return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  static String tail(String s) {
    String t = s.strip();
    return t.length() > 500 ? t.substring(t.length() - 500) : t;
  }
}
