package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.migrator.model.CompensationState;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * What the MigrationWorkflowImpl tests share (split by concern: the checklist straight through,
 * failure policies, catch-up, retention, rollbacks): one workflow on the in-memory test service
 * with journaling fakes ({@link WorkflowTestKit}), the journal of a complete migration in
 * checklist order, and waits on status, history and calls. Every activity call lands in one
 * ordered journal, which the tests compare with the checklist.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class WorkflowTestBase {
  static final String ID = WorkflowTestKit.ID;

  /** Tables the fake schema step reports for schemas ["shop"]. */
  static final String TABLES = "[shop.customers, shop.orders]";

  /** Every activity call of a complete migration, in checklist order, up to approval. */
  static final List<String> UP_TO_APPROVAL = List.of(
      "preflight()",                                 // 1 preflight
      "readRetention()",                             // 2 retention
      "ensureRetention(1)",
      "freeze(" + ID + ")",                          // 3 freeze
      "createSchema([shop])",                        // 4 schema
      "copyLiveConsistent(" + TABLES + ")",          // 6 copy
      "verify(2)",                                   // 7 verify
      "createPostLoadObjects([shop])",               //   triggers after the load
      "releaseFrozenCopy(" + ID + ")",               // 8 release
      "replicationUserExists(migrator_repl)",        // 9 replicate
      "ensureReplicationUser(migrator_repl)",
      "startReplication(mysql-bin.000003:4711)",     //   from the copy's snapshot coordinates
      "guardTarget()",                               //   the target read-only until the cutover
      "awaitCatchUp()");                             // 10 catch up

  /** ... and after approval. */
  static final List<String> CUTOVER_AND_FINISH = List.of(
      "awaitCatchUp()",                              // 11 a fresh reading right before the cutover
      "setSourceReadOnly(true)",                     // 12 cutover
      "fenceSource()",                               //   stop what read_only lets through
      "sourcePosition()",
      "waitForTargetPosition(mysql-bin.000004:900)",
      "confirmSourceStill(mysql-bin.000004:900)",    //   the source stood still
      "stopAndResetReplication()",
      "setTargetReadOnly(false)",
      "sourcePosition()",                            //   nobody wrote to the old source after the switch
      "restoreRetention(1)",                         // 13 finish
      "releaseSchemas([shop])",                      //   the schemas are the application's now
      "dropReplicationUser(migrator_repl)");         //   nothing needs the account migrator created (issue 15)

  static final List<String> COMPLETE = concat(UP_TO_APPROVAL, CUTOVER_AND_FINISH);

  /**
   * The shadow checklist at approval time, undone last-registered-first: replication (stop/reset
   * registered after drop-user), copy, schema; the frozen copy was already released by step 8
   * (retired), and retention comes last.
   */
  static final List<String> UNDO_AT_APPROVAL = List.of(
      "unguardTarget(false)",
      "stopAndResetReplication()",
      "dropReplicationUser(migrator_repl)",
      "truncateTables(" + TABLES + ")",
      "dropSchemas([shop])",
      "restoreRetention(1)");


  WorkflowTestKit kit;
  TestWorkflowEnvironment env;
  WorkflowClient client;
  FakeActivities fakes;

  @BeforeEach
  void setUp() {
    kit = new WorkflowTestKit();
    env = kit.env;
    client = kit.client;
    fakes = kit.fakes;
  }

  @AfterEach
  void tearDown() {
    // Lets any activity a failing test left blocked finish, then stops the test service.
    kit.close();
  }

  static MigrationRequest request() {
    return WorkflowTestKit.request();
  }

  MigrationWorkflow start(MigrationRequest r) {
    return kit.start(r);
  }

  static MigrationResult result(MigrationWorkflow wf) {
    return WorkflowTestKit.result(wf);
  }

  static ApplicationFailure failure(MigrationWorkflow wf) {
    return WorkflowTestKit.failure(wf);
  }

  /**
   * Polls the status query until {@code condition} holds. Between polls the test service's clock
   * moves (env.sleep); the wall-clock guard only turns a hang into a readable failure.
   */
  MigrationStatus awaitStatus(MigrationWorkflow wf, Predicate<MigrationStatus> condition, String what) {
    return kit.awaitStatus(wf, condition, what);
  }

  /**
   * Waits until the workflow's history holds an event of this type. Used to release a blocked
   * activity only after the workflow has requested its cancellation: releasing it earlier races the
   * cancel command against the completion, which the in-memory test service does not resolve
   * (it rejects the workflow task with ACTIVITY_UNKNOWN and the run stalls), unlike a real server.
   */
  void awaitHistory(EventType type) {
    awaitHistoryCount(type, 1);
  }

  void awaitHistoryCount(EventType type, long count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (client.fetchHistory(WorkflowTestKit.WORKFLOW_ID).getEvents().stream()
        .filter(e -> e.getEventType() == type).count() < count) {
      if (System.nanoTime() > deadline) {
        fail("fewer than " + count + " " + type + " in the history; journal=" + fakes.journal.calls());
      }
      env.sleep(Duration.ofMillis(10));
    }
  }

  void awaitCall(String method) {
    try {
      fakes.journal.awaitCalls(method, 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static StepState step(MigrationStatus s, Step step) {
    return WorkflowTestKit.step(s, step);
  }

  static CompensationState shadow(MigrationStatus s, String step) {
    return s.shadow.stream().filter(c -> c.step.equals(step)).findFirst().orElseThrow();
  }

  static void assertAllShadowDone(MigrationStatus s) {
    assertFalse(s.shadow.isEmpty(), "shadow checklist is empty");
    for (CompensationState c : s.shadow) {
      assertEquals(CompensationState.DONE, c.state, "undo '" + c.action + "' of step " + c.step + ": " + c.detail);
    }
    assertFalse(s.warnings.stream().anyMatch(w -> w.contains("compensation")), s.warnings.toString());
  }

  static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableList());
  }
}
