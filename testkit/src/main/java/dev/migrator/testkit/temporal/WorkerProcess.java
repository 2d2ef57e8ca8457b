package dev.migrator.testkit.temporal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A migrator worker in its own JVM, so that tests can kill it with SIGKILL like a crashed host
 * and start another one. Its output goes to a log file for post-mortems.
 */
public final class WorkerProcess implements AutoCloseable {
  /**
   * The worker's main class, launched by name with the current classpath: testkit has no compile
   * dependency on the worker module (the worker's tests depend on testkit).
   */
  public static final String MAIN_CLASS = "dev.migrator.worker.MigratorWorker";

  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts a worker polling the default task queue at {@code temporalTarget}, sticky execution off. */
  public static WorkerProcess start(String temporalTarget) {
    return start(temporalTarget, null);
  }

  /** The same on {@code taskQueue} (null: the default), e.g. a dump or load worker of a staged copy. */
  public static WorkerProcess start(String temporalTarget, String taskQueue) {
    return start(temporalTarget, taskQueue, java.util.Map.of());
  }

  /**
   * The same with extra environment variables (e.g. MIGRATOR_PAYLOAD_KEY, MIGRATOR_LOG_LEVEL, or
   * JAVA_TOOL_OPTIONS=-Dlogback.configurationFile=logback.xml for the production log format).
   */
  public static WorkerProcess start(String temporalTarget, String taskQueue, java.util.Map<String, String> env) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      Path log = Files.createTempFile("migrator-worker-", ".log");
      ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
          MAIN_CLASS))
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("TEMPORAL_ADDRESS", temporalTarget);
      pb.environment().put("MIGRATOR_DISABLE_STICKY", "true");
      if (taskQueue != null) pb.environment().put("MIGRATOR_TASK_QUEUE", taskQueue);
      pb.environment().putAll(env);
      Process p = pb.start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      return new WorkerProcess(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: no shutdown hook, no goodbye to the Temporal service. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
