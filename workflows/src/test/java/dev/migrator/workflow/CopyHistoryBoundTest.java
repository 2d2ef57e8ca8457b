package dev.migrator.workflow;

import dev.migrator.workflow.checklist.ChunkedCopy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3: the copy's history stays bounded whatever the plan. 10,000 tables of 100 chunks each
 * (1,000,000 chunks), with stub activities that fabricate pages of tiny chunks instantly. The
 * migration's history and every run of every table-copy child stay far below Temporal's limits
 * (51,200 events, 50 MB), and the totals add up.
 */
class CopyHistoryBoundTest {
  private static final String QUEUE = "migrator-test";
  /** Bounds this test asserts (Temporal refuses more than 51,200 events or 50 MB per history). */
  static final int PARENT_MAX_EVENTS = 5_000;
  static final int RUN_MAX_EVENTS = 1_000;
  static final long MAX_BYTES = 5L << 20;

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeActivities fakes;

  @BeforeEach
  void setUp() {
    fakes = new FakeActivities();
    fakes.tablesPerSchema = 10_000;
    fakes.chunksPerTable = 100;
    env = fakes.environment(QUEUE);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void tenThousandTablesAndAMillionChunksStayWithinHistoryLimits() {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "big";
    r.source = new Endpoint("source.example", 3306, "admin", "env:SOURCE_DB_PASSWORD");
    r.target = new Endpoint("target.example", 3306, "admin", "env:TARGET_DB_PASSWORD");
    r.schemas.add("big");
    r.replication.password = "env:REPL_PASSWORD";
    r.method = "stopped-replica";
    r.frozenReplica = new Endpoint("replica.local", 3306, "root", null);
    r.cutover.autoApprove = true;
    r.copy.parallelism = 4;
    r.copy.chunksPerActivity = 1_000; // stub test only: 1,000 chunks per copyChunks call
    r.copy.planPageChunks = 1_000;
    r.copy.activitiesPerRun = 6; // several continue-as-new runs per child

    String id = "wf-big";
    MigrationWorkflow wf = client.newWorkflowStub(MigrationWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).build());
    WorkflowClient.start(wf::run, r);
    MigrationResult result = WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);

    assertEquals(MigrationResult.COMPLETED, result.outcome, String.valueOf(result.status.error));
    assertEquals(10_000, result.status.copy.tablesTotal);
    assertEquals(10_000, result.status.copy.tablesDone);
    assertEquals(1_000_000, result.status.copy.chunksTotal);
    assertEquals(1_000_000, result.status.copy.chunksDone);
    assertEquals(10_000_000, result.status.copy.rows);
    assertEquals(100_000_000, result.status.copy.bytes);

    History parent = client.fetchHistory(id).getHistory();
    List<String[]> firstRuns = new ArrayList<>();
    for (HistoryEvent e : parent.getEventsList()) {
      if (e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
        var ex = e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution();
        if (ex.getWorkflowId().contains("-copy-")) firstRuns.add(new String[] {ex.getWorkflowId(), ex.getRunId()});
      }
    }
    int runs = 0;
    int maxRunEvents = 0;
    long maxRunBytes = 0;
    for (String[] child : firstRuns) {
      String runId = child[1];
      while (runId != null) {
        History h = client.fetchHistory(child[0], runId).getHistory();
        runs++;
        maxRunEvents = Math.max(maxRunEvents, h.getEventsCount());
        maxRunBytes = Math.max(maxRunBytes, h.getSerializedSize());
        HistoryEvent last = h.getEvents(h.getEventsCount() - 1);
        runId = last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
            ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
            : null;
      }
    }
    System.out.printf("copy history bound: parent %d events %d bytes; %d children, %d runs, largest run %d events"
        + " %d bytes%n", parent.getEventsCount(), parent.getSerializedSize(), firstRuns.size(), runs, maxRunEvents,
        maxRunBytes);
    assertEquals(ChunkedCopy.MAX_CHILDREN, firstRuns.size());
    assertTrue(runs > firstRuns.size(), "children continued as new");
    assertTrue(parent.getEventsCount() < PARENT_MAX_EVENTS, "parent events " + parent.getEventsCount());
    assertTrue(parent.getSerializedSize() < MAX_BYTES, "parent bytes " + parent.getSerializedSize());
    assertTrue(maxRunEvents < RUN_MAX_EVENTS, "largest child run events " + maxRunEvents);
    assertTrue(maxRunBytes < MAX_BYTES, "largest child run bytes " + maxRunBytes);
  }
}
