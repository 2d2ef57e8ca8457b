package dev.migrator.worker;

import dev.migrator.testkit.LocalServer;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationStatus;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Helpers shared by end-to-end tests: requests against local servers, waiting on status. */
public final class E2E {
  private E2E() {}

  /**
   * The server as a request endpoint: root on a self-managed server, the admin user (no SUPER) on
   * the Aurora-like fixture, with the flavor that names it ({@link LocalServer#endpoint()}).
   */
  public static Endpoint endpoint(LocalServer db) {
    return db.endpoint();
  }

  /** A request between the pair's servers; by GTID auto-position where the pair has GTIDs on. */
  public static MigrationRequest request(Engines.Pair servers, String... schemas) {
    MigrationRequest r = request(servers.source(), servers.target(), schemas);
    r.replication.gtidAutoPosition = servers.engines().autoPosition();
    return r;
  }

  public static MigrationRequest request(LocalServer source, LocalServer target, String... schemas) {
    MigrationRequest r = new MigrationRequest();
    r.source = endpoint(source);
    r.target = endpoint(target);
    r.schemas = new ArrayList<>(List.of(schemas));
    r.replication.password = source.rootPasswordRef();
    r.replication.pollSeconds = 1;
    r.copy.chunkRows = 500;
    return r;
  }

  public static MigrationWorkflow start(WorkflowClient client, String id, MigrationRequest r) {
    MigrationWorkflow wf = client.newWorkflowStub(MigrationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(id).setTaskQueue(MigrationWorkflow.TASK_QUEUE)
        .setWorkflowExecutionTimeout(Duration.ofMinutes(30)).build());
    WorkflowClient.start(wf::run, r);
    return wf;
  }

  /** Polls the status query until {@code until} holds (or fails after the timeout). */
  public static MigrationStatus await(MigrationWorkflow wf, Duration timeout, Predicate<MigrationStatus> until) {
    long deadline = System.nanoTime() + timeout.toNanos();
    MigrationStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = wf.status();
        if (until.test(last)) return last;
        if (last.paused && !last.allowedDecisions.isEmpty()) {
          throw new AssertionError("migration paused on an error: " + last.pausedReason);
        }
      } catch (AssertionError e) {
        throw e;
      } catch (RuntimeException e) {
        // not yet queryable
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("condition not reached in " + timeout + "; last status phase="
        + (last == null ? null : last.phase + " step=" + last.currentStep + " reason=" + last.pausedReason
            + " error=" + last.error));
  }

  public static boolean stepDone(MigrationStatus s, String step) {
    return s.steps.stream().anyMatch(x -> x.name.equals(step) && "done".equals(x.state.wire()));
  }

  /** Waits for the result, failing fast (with the reason) if the migration pauses on an error. */
  public static dev.migrator.model.MigrationResult result(MigrationWorkflow wf, Duration timeout) {
    await(wf, timeout, s -> !s.phase.open());
    return WorkflowStub.fromTyped(wf).getResult(dev.migrator.model.MigrationResult.class);
  }
}
