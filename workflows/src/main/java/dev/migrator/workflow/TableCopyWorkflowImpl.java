package dev.migrator.workflow;

import dev.migrator.activities.CopyActivities;
import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TableCopyInput;
import dev.migrator.model.TableCopyProgress;
import dev.migrator.model.TableProgress;
import dev.migrator.model.TableRef;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link TableCopyWorkflow}. */
public class TableCopyWorkflowImpl implements TableCopyWorkflow {
  private final CopyActivities copy = Workflow.newActivityStub(CopyActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(48))
          .setHeartbeatTimeout(Duration.ofSeconds(15))
          .setRetryOptions(RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(1))
              .setMaximumInterval(Duration.ofSeconds(30))
              .setMaximumAttempts(5)
              .setDoNotRetry(MigrationWorkflowImpl.NON_RETRYABLE)
              .build())
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build());

  private Boolean pausedBySignal;
  private boolean dirty;
  private TableCopyInput in;
  private MigrationWorkflow parent;

  @Override
  public void setPaused(boolean paused) {
    pausedBySignal = paused;
  }

  private boolean paused() {
    return pausedBySignal != null ? pausedBySignal : in.paused;
  }

  @Override
  public TableCopyProgress run(TableCopyInput input) {
    this.in = input;
    MigrationRequest r = in.request;
    parent = in.parentWorkflowId == null ? null
        : Workflow.newExternalWorkflowStub(MigrationWorkflow.class, in.parentWorkflowId);
    int perCall = Math.max(1, r.copy.chunksPerActivity);
    int pageChunks = Math.max(1, r.copy.planPageChunks);
    int perRun = Math.max(2, r.copy.activitiesPerRun);
    int slots = Math.max(1, in.slots);
    TableCopyProgress p = in.progress;
    int activities = 0;
    while (in.tableIndex < in.tables.size()) {
      if (activities >= perRun) {
        // Carry only the cursor and counters: the next run's history starts empty.
        in.paused = paused();
        p.runs++;
        return Workflow.newContinueAsNewStub(TableCopyWorkflow.class).run(in);
      }
      List<TableRef> rest = new ArrayList<>(
          in.tables.subList(in.tableIndex, Math.min(in.tables.size(), in.tableIndex + pageChunks)));
      List<ChunkPlan> pages = copy.planPage(r, in.frozen, rest, in.previous, pageChunks);
      activities++;
      if (pages == null || pages.isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure(
            "planPage returned no page for " + rest.get(0), "CopyPlanError");
      }
      // Per-table progress of this page set; the first table may continue one started earlier.
      Map<String, TableProgress> tables = new LinkedHashMap<>();
      int index = in.tableIndex;
      Chunk previous = in.previous;
      for (ChunkPlan page : pages) {
        String name = page.table.qualified();
        TableProgress t = tables.get(name);
        if (t == null) {
          t = in.current != null && in.current.table.equals(name) ? in.current : new TableProgress(name);
          tables.put(name, t);
        }
        t.chunksTotal += page.chunks.size();
        page.warnings.forEach(w -> p.warnings.add(name + ": " + w));
        p.chunksPlanned += page.chunks.size();
        if (!page.chunks.isEmpty()) previous = page.chunks.get(page.chunks.size() - 1);
        if (page.complete) {
          index++;
          previous = null;
          p.tablesPlanned++;
        }
      }
      dirty = true;
      report(false);

      List<List<Chunk>> batches = ChunkedCopy.batch(pages, perCall);
      Map<Integer, Promise<List<ChunkResult>>> running = new HashMap<>();
      int next = 0;
      while (true) {
        while (running.size() < slots && next < batches.size() && !paused()) {
          int i = next++;
          running.put(i, Async.function(copy::copyChunks, r, in.frozen, batches.get(i)));
          activities++;
        }
        if (running.isEmpty()) {
          if (next >= batches.size()) break;
          // Paused with nothing in flight: tell the parent where we are, then wait for resume.
          report(true);
          Workflow.await(() -> !paused());
          continue;
        }
        Promise.anyOf(running.values()).get();
        for (Integer i : new ArrayList<>(running.keySet())) {
          Promise<List<ChunkResult>> done = running.get(i);
          if (!done.isCompleted()) continue;
          running.remove(i);
          for (ChunkResult res : done.get()) { // a failed batch fails the child, and so the step
            p.chunksDone++;
            p.rows += res.rows;
            p.bytes += res.bytes;
            TableProgress t = tables.get(res.table.qualified());
            if (t != null) {
              t.chunksDone++;
              t.rows += res.rows;
              t.bytes += res.bytes;
            }
          }
          dirty = true;
        }
        report(false);
      }
      // The page set is copied: move the cursor past it.
      in.current = null;
      for (ChunkPlan page : pages) {
        TableProgress t = tables.get(page.table.qualified());
        if (page.complete) {
          if (!t.done) {
            t.done = true;
            p.tablesDone++;
            p.finished.add(t);
          }
        } else {
          in.current = t;
        }
      }
      in.tableIndex = index;
      in.previous = previous;
      dirty = true;
      report(false);
    }
    p.complete = true;
    return p;
  }

  /**
   * Signals the cumulative progress to the parent: at most every copy.progressReportSeconds, or now
   * when forced (pausing), and never more than this child's share of the parent's budget.
   */
  private void report(boolean force) {
    if (parent == null || !dirty || in.reportsLeft <= 0) return;
    long now = Workflow.currentTimeMillis();
    long every = Math.max(0, in.request.copy.progressReportSeconds) * 1000L;
    if (!force && in.lastReportAtMillis != 0 && now - in.lastReportAtMillis < every) return;
    in.lastReportAtMillis = now;
    in.reportsLeft--;
    dirty = false;
    parent.reportTableCopy(in.progress);
    in.progress.finished.clear();
    in.progress.warnings.clear();
  }
}
