package dev.migrator.workflow.replay;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.migrator.workflow.CatchUpWorkflowImpl;
import dev.migrator.workflow.TableCopyWorkflowImpl;
import io.temporal.api.history.v1.History;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The recorded histories: {@code src/test/resources/histories/*.json.gz}, each the gzip of
 * {@code WorkflowExecutionHistory.toJson(true)} of one workflow run ({@code gunzip -c} reads it).
 * Compressed because every activity's input carries the whole MigrationRequest, which makes a
 * migration's history 80-300 KB of JSON; gzipped they are about ten times smaller. Plain
 * {@code .json} files are read too.
 */
public final class HistoryFiles {
  /** Directory of the histories under the test resources (and on the test classpath). */
  public static final String RESOURCE_DIR = "histories";

  private HistoryFiles() {}

  /**
   * A worker for replay only, with the given MigrationWorkflow implementation and the current
   * children. The deadlock detector is relaxed: on a loaded machine a workflow thread may not be
   * scheduled for a second, which is not a replay failure.
   */
  public static Worker replayWorker(TestWorkflowEnvironment env, String name, Class<?> migrationWorkflow) {
    Worker w = env.newWorker(name, WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(60_000).build());
    w.registerWorkflowImplementationTypes(migrationWorkflow, TableCopyWorkflowImpl.class, CatchUpWorkflowImpl.class);
    return w;
  }

  /** Where the recorder writes: {@code <module>/src/test/resources/histories}. */
  public static Path sourceDir() {
    String d = System.getProperty("migrator.historiesDir");
    if (d != null && !d.isBlank()) return Path.of(d);
    String base = System.getProperty("basedir");
    return (base == null ? Path.of("") : Path.of(base)).resolve("src/test/resources").resolve(RESOURCE_DIR);
  }

  /** The history files on the test classpath, sorted by name; fails if the directory is missing. */
  public static List<Path> onClasspath() {
    URL url = HistoryFiles.class.getClassLoader().getResource(RESOURCE_DIR);
    if (url == null) {
      throw new IllegalStateException("no '" + RESOURCE_DIR + "' directory on the test classpath:"
          + " the recorded histories (src/test/resources/" + RESOURCE_DIR + ") are missing");
    }
    try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
      return s.filter(HistoryFiles::isHistory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static boolean isHistory(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".json.gz") || n.endsWith(".json");
  }

  /** The file's name without .json / .json.gz. */
  public static String name(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".gz") ? n.substring(0, n.length() - ".json.gz".length()) : n.substring(0, n.length() - ".json".length());
  }

  /**
   * Reads a history. Its workflow id comes from its WorkflowExecutionStarted event (the migration
   * derives its children's ids from it, so replaying under another id would not match).
   */
  public static WorkflowExecutionHistory read(Path p) throws IOException {
    String json;
    try (InputStream in = p.getFileName().toString().endsWith(".gz")
        ? new GZIPInputStream(Files.newInputStream(p)) : Files.newInputStream(p)) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    WorkflowExecutionHistory h = parse(json);
    String id = h.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getWorkflowId();
    if (id.isEmpty()) {
      throw new IllegalStateException(p.getFileName() + ": the WorkflowExecutionStarted event has no workflowId;"
          + " record histories with HistoryRecorder (it keeps the id there, as a real server does)");
    }
    return h;
  }

  /**
   * {@code WorkflowExecutionHistory.fromJson}, without its JSONPath pass over every event when the
   * enum values are already the protobuf names (as {@code toJson} writes them): several times
   * faster. Other files (e.g. a history exported with short enum names) go through fromJson.
   */
  static WorkflowExecutionHistory parse(String json) {
    History.Builder b = History.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return WorkflowExecutionHistory.fromJson(json);
    }
    return new WorkflowExecutionHistory(b.build());
  }

  /** Writes {@code h.toJson(true)}, gzipped when the name ends with .gz. */
  public static void write(Path p, WorkflowExecutionHistory h) throws IOException {
    byte[] json = h.toJson(true).getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = p.getFileName().toString().endsWith(".gz")
        ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
      out.write(json);
    }
  }
}
