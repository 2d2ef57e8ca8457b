package dev.migrator.cli;

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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code temporal server start-dev} on 127.0.0.1 whose Web UI decodes payloads through a codec
 * server ({@code --ui-codec-endpoint}), with migrator's search attributes. Test scope: the shared
 * harness (TemporalDevServer) takes no extra flags.
 */
final class CodecDevServer implements AutoCloseable {
  final int port;
  final int uiPort;
  private final Process process;
  private final Path dir;

  private CodecDevServer(Process process, int port, int uiPort, Path dir) {
    this.process = process;
    this.port = port;
    this.uiPort = uiPort;
    this.dir = dir;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CodecDevServer start(Path binary, int uiPort, String codecEndpoint) throws IOException {
    Path dir = Files.createTempDirectory("migrator-codec-temporal-");
    int port = freePort();
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "server", "start-dev", "--ip", "127.0.0.1",
        "--port", String.valueOf(port), "--ui-port", String.valueOf(uiPort), "--http-port", String.valueOf(freePort()),
        "--metrics-port", String.valueOf(freePort()), "--db-filename", dir.resolve("temporal.db").toString(),
        "--log-level", "warn", "--ui-codec-endpoint", codecEndpoint));
    for (String sa : MigrationSearchAttributes.cliDefinitions()) {
      cmd.add("--search-attribute");
      cmd.add(sa);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
    pb.environment().put("HOME", dir.toString());
    CodecDevServer s = new CodecDevServer(pb.start(), port, uiPort, dir);
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    s.awaitReady();
    return s;
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  String uiUrl() {
    return "http://127.0.0.1:" + uiPort;
  }

  /** Runs the temporal CLI against this server (no profile, no TEMPORAL_* of the caller). */
  String cli(Path binary, String... args) throws Exception {
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

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("temporal server start-dev exited: " + log());
      WorkflowServiceStubs stubs = null;
      try {
        stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
        stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
            .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("default").build());
        return;
      } catch (RuntimeException e) {
        // not yet
      } finally {
        if (stubs != null) stubs.shutdownNow();
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    close();
    throw new IllegalStateException("temporal dev server not ready after 90 s: " + log());
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("server.log"));
    } catch (IOException e) {
      return "(no log)";
    }
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
}
