package dev.migrator.testkit.temporal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link LoopbackTestServer} in a child JVM and hands out its address, so that workers and
 * clients talk gRPC to it exactly as they would to a production cluster. Killed on close and at
 * JVM exit.
 */
public final class TemporalTestServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private TemporalTestServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static TemporalTestServerProcess start() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        LoopbackTestServer.class.getName(), "0"));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null) {
        if (line.startsWith("READY ")) {
          int port = Integer.parseInt(line.substring(6).trim());
          Thread drain = new Thread(() -> {
            try {
              while (out.readLine() != null) {
                // discard: the server logs to stdout
              }
            } catch (IOException ignored) {
              // process ended
            }
          }, "temporal-test-server-output");
          drain.setDaemon(true);
          drain.start();
          return new TemporalTestServerProcess(p, port);
        }
        seen.append(line).append('\n');
      }
      throw new IllegalStateException("Temporal test server exited before it was ready:\n" + seen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
