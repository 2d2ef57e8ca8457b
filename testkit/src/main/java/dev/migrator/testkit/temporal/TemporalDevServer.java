package dev.migrator.testkit.temporal;

import dev.migrator.workflow.MigrationSearchAttributes;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The official Temporal dev server ({@code temporal server start-dev}: SQLite persistence, Web UI,
 * Schedules, advanced visibility with custom search attributes) in its own process on 127.0.0.1,
 * with migrator's search attributes registered. Stopped (and its database removed) on close and at
 * JVM exit.
 *
 * <p>The binary: {@code MIGRATOR_TEMPORAL_CLI} (env or system property), {@code .tools/bin/temporal}
 * in the repository, {@code temporal} on PATH, {@code ~/go/bin/temporal}. {@code bin/install-temporal-cli}
 * finds or builds it; {@code bin/setup} runs that.
 */
public final class TemporalDevServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final int uiPort;
  private final Path dir;

  private TemporalDevServer(Process process, int port, int uiPort, Path dir) {
    this.process = process;
    this.port = port;
    this.uiPort = uiPort;
    this.dir = dir;
  }

  /** The temporal CLI binary, if one can be found. */
  public static Optional<Path> findBinary() {
    List<Path> candidates = new ArrayList<>();
    String explicit = System.getProperty("MIGRATOR_TEMPORAL_CLI", System.getenv("MIGRATOR_TEMPORAL_CLI"));
    if (explicit != null && !explicit.isBlank()) candidates.add(Path.of(explicit));
    // The repository's cache dir, from the module dir (tests) or the repository root (CLI).
    Path cwd = Path.of("").toAbsolutePath();
    for (Path d = cwd; d != null && candidates.size() < 6; d = d.getParent()) {
      candidates.add(d.resolve(".tools/bin/temporal"));
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String p : path.split(java.io.File.pathSeparator)) {
        if (!p.isEmpty()) candidates.add(Path.of(p, "temporal"));
      }
    }
    candidates.add(Path.of(System.getProperty("user.home"), "go", "bin", "temporal"));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /** Why a test skips: names what to run so it does not. */
  public static String missingMessage() {
    return "the Temporal CLI ('temporal server start-dev') was not found; run bin/install-temporal-cli "
        + "(bin/setup does) or set MIGRATOR_TEMPORAL_CLI=/path/to/temporal";
  }

  /** Whether tests must fail rather than skip when the binary is missing (bin/test and CI set it). */
  public static boolean required() {
    return "1".equals(System.getenv("MIGRATOR_REQUIRE_TEMPORAL_CLI"));
  }

  public static TemporalDevServer start() {
    Path bin = findBinary().orElseThrow(() -> new IllegalStateException(missingMessage()));
    return start(bin, freePort(), freePort());
  }

  public static TemporalDevServer start(Path binary, int port, int uiPort) {
    return start(binary, port, uiPort, true);
  }

  /**
   * {@code searchAttributes=false}: a bare namespace, as an operator's fresh server would be;
   * {@code extraArgs}: more {@code start-dev} flags (e.g. {@code --ui-codec-endpoint URL}).
   */
  public static TemporalDevServer start(Path binary, int port, int uiPort, boolean searchAttributes,
      String... extraArgs) {
    Path dir;
    try {
      dir = Files.createTempDirectory("migrator-temporal-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "server", "start-dev",
        "--ip", "127.0.0.1", "--port", String.valueOf(port), "--ui-port", String.valueOf(uiPort),
        "--http-port", String.valueOf(freePort()), "--metrics-port", String.valueOf(freePort()),
        "--db-filename", dir.resolve("temporal.db").toString(), "--log-level", "warn"));
    for (String sa : searchAttributes ? MigrationSearchAttributes.cliDefinitions() : List.<String>of()) {
      cmd.add("--search-attribute");
      cmd.add(sa);
    }
    cmd.addAll(List.of(extraArgs));
    Path log = dir.resolve("server.log");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      // Never pick up a developer's own CLI profile or TEMPORAL_* settings.
      pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
      pb.environment().put("HOME", dir.toString());
      Process p = pb.start();
      TemporalDevServer server = new TemporalDevServer(p, port, uiPort, dir);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      server.awaitReady(log);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Path log) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        close();
        throw new IllegalStateException("temporal server start-dev exited with " + process.exitValue() + ":\n"
            + tail(log));
      }
      WorkflowServiceStubs stubs = null;
      try {
        stubs = WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
        stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
            .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("default").build());
        return;
      } catch (RuntimeException e) {
        last = e;
      } finally {
        if (stubs != null) stubs.shutdownNow();
      }
      sleep(200);
    }
    close();
    throw new IllegalStateException("temporal dev server not ready after 90 s: " + last + "\n" + tail(log));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public int port() {
    return port;
  }

  /** host:port of the gRPC frontend. */
  public String target() {
    return "127.0.0.1:" + port;
  }

  public String uiUrl() {
    return "http://127.0.0.1:" + uiPort;
  }

  /** Runs the temporal CLI against this server (no profile, no TEMPORAL_* of the caller); its output. */
  public String cli(Path binary, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(binary.toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--address", target()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
    pb.environment().put("HOME", dir.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
    return out;
  }

  @Override
  public synchronized void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
