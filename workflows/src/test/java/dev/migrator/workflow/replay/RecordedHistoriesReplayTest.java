package dev.migrator.workflow.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.migrator.model.CopyProgress;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.OperatorAction;
import dev.migrator.model.TableCopyProgress;
import dev.migrator.workflow.CatchUpWorkflow;
import dev.migrator.workflow.MigrationWorkflow;
import dev.migrator.workflow.MigrationWorkflowImpl;
import dev.migrator.workflow.TableCopyWorkflow;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Replays every history recorded from earlier workflow code (src/test/resources/histories, see its
 * README) against the current MigrationWorkflowImpl, TableCopyWorkflowImpl and CatchUpWorkflowImpl.
 * A failure means a change is not replay-safe: migrations running at the upgrade would break with
 * a non-deterministic error. Put the change behind {@code Workflow.getVersion} instead; never
 * re-record the histories to make this pass.
 */
class RecordedHistoriesReplayTest {
  /** The workflow types the histories must cover, or the test would not guard all three. */
  private static final Set<String> TYPES =
      Set.of(MigrationWorkflow.WORKFLOW_TYPE, TableCopyWorkflow.WORKFLOW_TYPE, CatchUpWorkflow.WORKFLOW_TYPE);

  /** A history the non-determinism check below uses: a completed live-consistent migration. */
  static final String PROBE = "live-auto-approve";

  @Test
  void everyRecordedHistoryReplaysAgainstTheCurrentWorkflows() throws Exception {
    long t0 = System.nanoTime();
    Map<Path, WorkflowExecutionHistory> histories = loadAll();
    System.out.printf("loaded %d histories in %d ms%n", histories.size(), (System.nanoTime() - t0) / 1_000_000);
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = HistoryFiles.replayWorker(env, "replay", MigrationWorkflowImpl.class);
      // Twice: a replay that depended on the clock, randomness or state left by an earlier replay
      // would differ the second time.
      for (int pass = 1; pass <= 2; pass++) {
        long start = System.nanoTime();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<Path, WorkflowExecutionHistory> h : histories.entrySet()) {
          try {
            WorkflowReplayer.replayWorkflowExecution(h.getValue(), worker);
          } catch (Exception e) {
            System.out.println("replay failed: " + h.getKey().getFileName() + "\n" + stackTrace(e));
            failures.add(h.getKey().getFileName() + " (" + type(h.getValue()) + "): " + messages(e));
          }
        }
        if (!failures.isEmpty()) {
          fail(failures.size() + " of " + histories.size() + " recorded histories do not replay (pass " + pass
              + "); the change is not compatible with running migrations (stack traces in the test output):\n\n"
              + String.join("\n\n", failures));
        }
        System.out.printf("replay pass %d: %d histories in %d ms%n", pass, histories.size(),
            (System.nanoTime() - start) / 1_000_000);
      }
    }
  }

  /**
   * Proves the replay above can fail: the same workflow code, but with reverse replication turned
   * on, schedules targetPosition where the recorded cutover scheduled setTargetReadOnly, well into
   * the history. The replayer must report that as non-deterministic.
   */
  @Test
  void aWorkflowThatDivergesFromARecordedHistoryFailsTheReplay() throws Exception {
    Path file = HistoryFiles.onClasspath().stream()
        .filter(p -> HistoryFiles.name(p).equals(PROBE))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the probe history " + PROBE + " is missing"));
    WorkflowExecutionHistory probe = HistoryFiles.read(file);
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker current = HistoryFiles.replayWorker(env, "replay-current", MigrationWorkflowImpl.class);
      Worker divergent = HistoryFiles.replayWorker(env, "replay-divergent", ReverseReplicationAtCutover.class);

      WorkflowReplayer.replayWorkflowExecution(probe, current); // control: the real code replays

      Exception e = assertThrows(Exception.class, () -> WorkflowReplayer.replayWorkflowExecution(probe, divergent),
          "a workflow that schedules a different activity replayed without error: the replay test proves nothing");
      String trace = stackTrace(e);
      assertTrue(trace.contains("NonDeterministicException"), trace);
      assertTrue(trace.contains("TargetPosition") && trace.contains("SetTargetReadOnly"),
          "the divergence is the cutover's activity: " + trace);
    }
  }

  /** Every history file, loaded; fails loudly when there are none or a workflow type is not covered. */
  static Map<Path, WorkflowExecutionHistory> loadAll() throws Exception {
    List<Path> files = HistoryFiles.onClasspath();
    assertFalse(files.isEmpty(), "no recorded histories under src/test/resources/" + HistoryFiles.RESOURCE_DIR
        + ": this test would prove nothing (see the README there to record them)");
    Map<Path, WorkflowExecutionHistory> out = new LinkedHashMap<>();
    Set<String> types = new TreeSet<>();
    for (Path p : files) {
      WorkflowExecutionHistory h = HistoryFiles.read(p);
      out.put(p, h);
      types.add(type(h));
    }
    assertEquals(new TreeSet<>(TYPES), types, "workflow types covered by the recorded histories");
    return out;
  }

  private static String type(WorkflowExecutionHistory h) {
    return h.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getWorkflowType().getName();
  }

  /** The messages of the exception and its causes: the replayer's names the event that did not match. */
  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null && sb.length() < 4000; c = c.getCause()) {
      if (sb.length() > 0) sb.append("\n  caused by: ");
      sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
    }
    return sb.toString();
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  /**
   * A deliberately incompatible MigrationWorkflow: the current implementation, run with
   * cutover.reverseReplication forced on (a change of behaviour without Workflow.getVersion).
   */
  public static class ReverseReplicationAtCutover implements MigrationWorkflow {
    private final MigrationWorkflowImpl real = new MigrationWorkflowImpl();

    @Override
    public MigrationResult run(MigrationRequest request) {
      if (request != null && request.cutover != null) request.cutover.reverseReplication = true;
      return real.run(request);
    }

    @Override
    public MigrationStatus status() {
      return real.status();
    }

    @Override
    public void approve() {
      real.approve();
    }

    @Override
    public String approveCutover(String by) {
      return real.approveCutover(by);
    }

    @Override
    public void validateApproveCutover(String by) {
      real.validateApproveCutover(by);
    }

    @Override
    public void rollback(String reason) {
      real.rollback(reason);
    }

    @Override
    public void pause(String reason) {
      real.pause(reason);
    }

    @Override
    public void resume() {
      real.resume();
    }

    @Override
    public void decide(String action) {
      real.decide(action);
    }

    @Override
    public void approveBy(OperatorAction a) {
      real.approveBy(a);
    }

    @Override
    public String approveCutoverBy(OperatorAction a) {
      return real.approveCutoverBy(a);
    }

    @Override
    public void validateApproveCutoverBy(OperatorAction a) {
      real.validateApproveCutoverBy(a);
    }

    @Override
    public void rollbackBy(OperatorAction a) {
      real.rollbackBy(a);
    }

    @Override
    public void pauseBy(OperatorAction a) {
      real.pauseBy(a);
    }

    @Override
    public void resumeBy(OperatorAction a) {
      real.resumeBy(a);
    }

    @Override
    public void decideBy(OperatorAction a) {
      real.decideBy(a);
    }

    @Override
    public void reportCopyProgress(CopyProgress progress) {
      real.reportCopyProgress(progress);
    }

    @Override
    public void reportTableCopy(TableCopyProgress progress) {
      real.reportTableCopy(progress);
    }

    @Override
    public void reportLag(LagReading reading) {
      real.reportLag(reading);
    }
  }
}
