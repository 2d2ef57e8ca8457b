package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.migrator.model.CompensationState;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One migration workflow on the in-memory test service with journaling fakes: what a workflow test
 * needs to start it, wait on its status and read its outcome.
 */
final class WorkflowTestKit implements AutoCloseable {
  static final String QUEUE = "migration-test";
  static final String ID = "mig-1";
  static final String WORKFLOW_ID = "wf-" + ID;

  final FakeActivities fakes = new FakeActivities();
  final TestWorkflowEnvironment env;
  final WorkflowClient client;

  WorkflowTestKit() {
    env = fakes.environment(QUEUE);
    env.start();
    client = env.getWorkflowClient();
  }

  /** A valid request against two fake endpoints, migrating schema "shop". */
  static MigrationRequest request() {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = ID;
    r.source = new Endpoint("source.example", 3306, "admin", "env:SOURCE_DB_PASSWORD");
    r.target = new Endpoint("target.example", 3306, "admin", "env:TARGET_DB_PASSWORD");
    r.schemas.add("shop");
    r.replication.password = "env:REPL_PASSWORD";
    return r;
  }

  MigrationWorkflow start(MigrationRequest r) {
    MigrationWorkflow wf = client.newWorkflowStub(MigrationWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(WORKFLOW_ID).build());
    WorkflowClient.start(wf::run, r);
    return wf;
  }

  static MigrationResult result(MigrationWorkflow wf) {
    return WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);
  }

  /** The ApplicationFailure the workflow failed with. */
  static ApplicationFailure failure(MigrationWorkflow wf) {
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> result(wf));
    return assertInstanceOf(ApplicationFailure.class, e.getCause());
  }

  /** Polls the status query (moving the test service's clock in between) until the condition holds. */
  MigrationStatus awaitStatus(MigrationWorkflow wf, Predicate<MigrationStatus> condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    MigrationStatus s;
    while (!condition.test(s = wf.status())) {
      if (System.nanoTime() > deadline) {
        fail("never reached: " + what + "; phase=" + s.phase + " step=" + s.currentStep + " reason=" + s.pausedReason
            + " journal=" + fakes.journal.calls());
      }
      env.sleep(Duration.ofMillis(10));
    }
    return s;
  }

  static SearchAttributes searchAttributes(MigrationWorkflow wf) {
    return WorkflowStub.fromTyped(wf).describe().getTypedSearchAttributes();
  }

  static StepState step(MigrationStatus s, Step step) {
    return s.steps.stream().filter(st -> st.number == step.number).findFirst().orElseThrow();
  }

  static List<String> shadowStates(MigrationStatus s) {
    return s.shadow.stream().map(c -> c.step + ":" + c.state).toList();
  }

  static boolean allShadowDone(MigrationStatus s) {
    return !s.shadow.isEmpty() && s.shadow.stream().allMatch(c -> CompensationState.DONE.equals(c.state));
  }

  @Override
  public void close() {
    for (String m : List.of("preflight", "copyLiveConsistent", "awaitCatchUp", "waitForTargetPosition")) {
      fakes.release(m);
    }
    env.close();
  }
}
