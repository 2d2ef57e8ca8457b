package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.activities.VerifyInput;
import dev.migrator.model.ContentSum;
import dev.migrator.model.Chunk;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.StageOptions;
import dev.migrator.model.TableProgress;
import dev.migrator.model.TableRef;
import dev.migrator.model.TableSums;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Inline checksums (issue 18, version "inline-checksums"): the copy asks for per-chunk sums, the
 * table-copy children combine them per table (across pages and continue-as-new runs), and verify
 * gets the frozen copy's side per table plus the chunks whose sums are unknown; verify.mode full
 * keeps the old path.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InlineChecksumsWorkflowTest {
  private static final String QUEUE = CopyTransportWorkflowTest.QUEUE;
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeActivities fakes;

  @BeforeEach
  void setUp() {
    fakes = new FakeActivities();
    env = CopyTransportWorkflowTest.stagedEnvironment(fakes);
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private MigrationRequest request() {
    MigrationRequest r = CopyTransportWorkflowTest.request();
    r.copy.parallelism = 2;
    r.copy.chunksPerActivity = 2;
    r.copy.planPageChunks = 2; // a table spans pages ...
    r.copy.activitiesPerRun = 3; // ... and continue-as-new runs: its sums travel in the cursor
    return r;
  }

  private MigrationResult run(MigrationRequest r) {
    MigrationWorkflow wf = client.newWorkflowStub(MigrationWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("wf-" + r.migrationId).build());
    WorkflowClient.start(wf::run, r);
    return WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);
  }

  /** The frozen copy's expected sum of a table: every chunk's fake sum but the unknown ones. */
  private ContentSum expected(TableRef t, int unknownOrdinal) {
    ContentSum s = null;
    for (int i = 0; i < fakes.chunksPerTable; i++) {
      if (i == unknownOrdinal) continue;
      Chunk c = new Chunk();
      c.table = t;
      c.ordinal = i;
      s = FakeActivities.fakeSum(c).plus(s);
    }
    return s;
  }

  @Test
  void inlineModeGivesVerifyEachTablesSumsAndTheUnknownChunks() {
    MigrationRequest r = request();
    r.verify.mode = "inline";
    // The lost attempt's chunk: committed, but its sums never reached the workflow.
    String first = "shop.t0";
    fakes.unknownSums.add(first + "#3");
    MigrationResult res = run(r);
    assertEquals(MigrationResult.COMPLETED, res.outcome, String.valueOf(res.status.error));
    assertTrue(!fakes.inlineFlags.isEmpty() && fakes.inlineFlags.stream().allMatch(f -> f == 1), fakes.inlineFlags.toString());
    VerifyInput v = fakes.lastVerify;
    assertEquals(1, v.inlineChecksums);
    assertNull(v.sourceChecksums);
    assertEquals(v.tables.size(), v.inline.size(), "one entry per table");
    for (TableRef t : v.tables) {
      TableSums s = v.inline.get(t.qualified());
      boolean crashed = t.qualified().equals(first);
      assertTrue(expected(t, crashed ? 3 : -1).sameAs(s.source), t + ": " + s.source);
      assertEquals(crashed ? List.of(3) : List.of(), s.unknown.stream().map(c -> c.ordinal).toList(), t.qualified());
      assertTrue(!s.sourceUnknown);
    }
    assertEquals("inline: the copy's checksums against a fresh read of the target; 1 chunk(s) without checksums read"
        + " again on the frozen copy", res.status.steps.stream().filter(x -> x.name.equals("verify")).findFirst().orElseThrow().detail);
    // The status shows counters, not checksums nor chunk bounds.
    for (TableProgress t : res.status.copy.tables) assertNull(t.inline, t.table);
  }

  @Test
  void fullModeKeepsTheOldPath() {
    MigrationRequest r = request();
    r.verify.mode = "full";
    MigrationResult res = run(r);
    assertEquals(MigrationResult.COMPLETED, res.outcome, String.valueOf(res.status.error));
    assertTrue(fakes.inlineFlags.stream().allMatch(f -> f == 0), fakes.inlineFlags.toString());
    assertNull(fakes.lastVerify.inlineChecksums);
    assertNull(fakes.lastVerify.inline);
  }

  @Test
  void stagedCopyCarriesTheDumpsSumsToTheLoad() {
    MigrationRequest r = request();
    r.verify.mode = "inline";
    r.copy.transport = "staged";
    r.copy.stage = new StageOptions();
    r.copy.stage.location = "s3://bucket/migrations";
    r.copy.stage.dumpTaskQueue = "dump-q";
    r.copy.stage.loadTaskQueue = "load-q";
    MigrationResult res = run(r);
    assertEquals(MigrationResult.COMPLETED, res.outcome, String.valueOf(res.status.error));
    VerifyInput v = fakes.lastVerify;
    assertNotNull(v.inline);
    for (TableRef t : v.tables) {
      TableSums s = v.inline.get(t.qualified());
      assertTrue(expected(t, -1).sameAs(s.source), t + ": " + s.source);
      assertEquals(List.of(), s.unknown);
    }
  }

  @Test
  void liveConsistentChecksumsInsideItsSnapshotAsBefore() {
    MigrationRequest r = request();
    r.method = "live-consistent";
    r.frozenReplica = null;
    MigrationResult res = run(r);
    assertEquals(MigrationResult.COMPLETED, res.outcome, String.valueOf(res.status.error));
    assertNotNull(fakes.lastVerify.sourceChecksums);
    assertNull(fakes.lastVerify.inline);
  }

  @Test
  void validatorNamesABadMode() {
    MigrationRequest r = ReplicationOptionsValidationTest.request();
    assertEquals("full", r.verify.mode, "the default: measured faster (docs/benchmarks.md)");
    for (String mode : List.of("inline", "full")) {
      r.verify.mode = mode;
      assertEquals(List.of(), RequestValidator.problems(r), mode);
    }
    r.verify.mode = "fast";
    assertEquals(List.of("verify.mode must be one of [inline, full], not 'fast': \"inline\" compares the checksums the"
        + " copy took of each chunk with one read of the target, \"full\" reads both sides again in full"),
        RequestValidator.problems(r));
    r.verify = null;
    assertEquals(List.of("verify must be an object (or left out for the defaults)"), RequestValidator.problems(r));
  }
}
