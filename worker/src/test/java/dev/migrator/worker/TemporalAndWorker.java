package dev.migrator.worker;

import dev.migrator.testkit.temporal.TemporalTestServerProcess;
import dev.migrator.testkit.temporal.WorkerProcess;
import io.temporal.client.WorkflowClient;

/**
 * The Temporal side of an end-to-end test: the Java Temporal test server in its own process and
 * either a worker in this JVM talking gRPC to it ({@link #withWorker()}) or none, for tests that
 * start and SIGKILL {@link WorkerProcess}es ({@link #withoutWorker()}). One per test class.
 */
public final class TemporalAndWorker implements AutoCloseable {
  private final TemporalTestServerProcess temporal;
  private final MigratorWorker worker;
  private final WorkflowClient client;

  private TemporalAndWorker(boolean inProcessWorker) {
    TemporalTestServerProcess t = TemporalTestServerProcess.start();
    try {
      this.temporal = t;
      if (inProcessWorker) {
        this.worker = MigratorWorker.start(new WorkerConfig().target(t.target()).noSticky());
        this.client = worker.client();
      } else {
        this.worker = null;
        this.client = MigratorWorker.client(t.target(), "default");
      }
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  public static TemporalAndWorker withWorker() {
    return new TemporalAndWorker(true);
  }

  public static TemporalAndWorker withoutWorker() {
    return new TemporalAndWorker(false);
  }

  /** The Temporal server's gRPC target, for {@link WorkerProcess#start(String)}. */
  public String target() {
    return temporal.target();
  }

  public WorkflowClient client() {
    return client;
  }

  /** A worker process polling the default task queue (sticky execution off). */
  public WorkerProcess workerProcess() {
    return WorkerProcess.start(temporal.target());
  }

  @Override
  public void close() {
    try {
      if (worker != null) worker.close();
    } finally {
      temporal.close();
    }
  }
}
