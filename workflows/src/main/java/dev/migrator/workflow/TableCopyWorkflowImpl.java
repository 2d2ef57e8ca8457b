package dev.migrator.workflow;

import dev.migrator.activities.CopyInput;
import dev.migrator.workflow.checklist.ChunkedCopy;
import dev.migrator.activities.StepInputs;
import dev.migrator.activities.CopyActivities;
import dev.migrator.activities.SchemaActivities;
import dev.migrator.activities.StagedCopyActivities;
import dev.migrator.model.Endpoint;
import dev.migrator.model.StageOptions;
import dev.migrator.model.StagedChunk;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TableCopyInput;
import dev.migrator.model.TableCopyProgress;
import dev.migrator.model.TableProgress;
import dev.migrator.model.TableRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link TableCopyWorkflow}. */
public class TableCopyWorkflowImpl implements TableCopyWorkflow {
  /** The migration's long-activity options, on {@code taskQueue} when one is given (staged dump/load workers). */
  private static ActivityOptions options(String taskQueue) {
    return ActivityProfiles.longOn(taskQueue);
  }

  private final CopyActivities copy = Workflow.newActivityStub(CopyActivities.class, options(null));
  private final SchemaActivities schema = Workflow.newActivityStub(SchemaActivities.class, options(null));

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
    CopyInput copyIn = StepInputs.copy(r, in.frozen);
    copyIn.inlineChecksums = in.inlineChecksums;
    parent = in.parentWorkflowId == null ? null
        : Workflow.newExternalWorkflowStub(MigrationWorkflow.class, in.parentWorkflowId);
    int pageChunks = Math.max(1, r.copy.planPageChunks);
    int perRun = Math.max(2, r.copy.activitiesPerRun);
    int slots = Math.max(1, in.slots);
    TableCopyProgress p = in.progress;
    int activities = 0;
    int differing = 0;
    while (in.tableIndex < in.tables.size()) {
      if (activities >= perRun) {
        // Carry only the cursor and counters: the next run's history starts empty.
        in.paused = paused();
        p.runs++;
        return Workflow.newContinueAsNewStub(TableCopyWorkflow.class).run(in);
      }
      List<TableRef> rest = new ArrayList<>(
          in.tables.subList(in.tableIndex, Math.min(in.tables.size(), in.tableIndex + pageChunks)));
      List<ChunkPlan> pages = copy.planPage(copyIn, rest, in.previous, pageChunks, in.chunkRows);
      activities++;
      if (pages == null || pages.isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure(
            "planPage returned no page for " + rest.get(0), "CopyPlanError");
      }
      // Per-table progress of this page set; the first table may continue one started earlier.
      Map<String, TableProgress> tables = new LinkedHashMap<>();
      // The page's chunks by table and ordinal: a chunk whose sums are unknown is kept for verify.
      Map<String, Chunk> byId = new HashMap<>();
      int index = in.tableIndex;
      Chunk previous = in.previous;
      for (ChunkPlan page : pages) {
        String name = page.table.qualified();
        TableProgress t = tables.get(name);
        if (t == null) {
          t = in.current != null && in.current.table.equals(name) ? in.current : new TableProgress(name);
          tables.put(name, t);
        }
        if (in.inlineChecksums >= 1) {
          if (t.inline == null) t.inline = new dev.migrator.model.TableSums();
          for (Chunk c : page.chunks) byId.put(name + "#" + c.ordinal, c);
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

      boolean staged = "staged".equals(r.copy.transport);
      int pageTotal = 0;
      for (ChunkPlan page : pages) pageTotal += page.chunks.size();
      int perCall = ChunkedCopy.chunksPerActivity(r.copy, pageTotal,
          staged ? Math.max(in.dumpSlots, in.loadSlots) : slots);
      List<List<Chunk>> batches = ChunkedCopy.batch(pages, perCall);
      BatchRunner runner = staged
          ? new StagedBatches(r, copyIn, batches, Math.max(1, in.dumpSlots), Math.max(1, in.loadSlots))
          : new DirectBatches(copyIn, batches, slots);
      long pageRows = 0;
      long pageMillis = 0;
      while (true) {
        activities += runner.startMore(this::paused);
        if (!runner.running()) {
          if (runner.finished()) break;
          // Paused with nothing in flight: tell the parent where we are, then wait for resume.
          report(true);
          Workflow.await(() -> !paused());
          continue;
        }
        for (ChunkResult res : runner.awaitSome()) { // a failed batch fails the child, and so the step
          p.chunksDone++;
          p.rows += res.rows;
          p.bytes += res.bytes;
          pageRows += res.rows;
          pageMillis += res.millis;
          TableProgress t = tables.get(res.table.qualified());
          if (t != null) {
            t.chunksDone++;
            t.rows += res.rows;
            t.bytes += res.bytes;
            if (t.inline != null && !t.inline.add(res, byId.get(t.table + "#" + res.ordinal)) && differing++ < 10) {
              p.warnings.add("copy: " + t.table + " chunk " + res.ordinal + " differs on the target right after its"
                  + " copy (frozen copy " + res.source + ", target " + res.target + "): verify will report it");
            }
          }
          dirty = true;
        }
        report(false);
      }
      in.chunkRows = AdaptiveChunkSize.next(r.copy, in.chunkRows, pageRows, pageMillis);
      // The page set is copied: move the cursor past it.
      in.current = null;
      List<TableRef> loaded = new ArrayList<>();
      for (ChunkPlan page : pages) {
        TableProgress t = tables.get(page.table.qualified());
        if (page.complete) {
          if (!t.done) {
            loaded.add(page.table);
            t.done = true;
            p.tablesDone++;
            p.finished.add(t);
          }
        } else {
          in.current = t;
        }
      }
      if (r.copy.defersIndexes() && !loaded.isEmpty()
          && Workflow.getVersion("indexes-after-each-table", Workflow.DEFAULT_VERSION, 1) >= 1) {
        // Built here, as each table finishes, so index builds overlap the other tables' loads;
        // the post-load step after verify finds them present (idempotent).
        schema.addDeferredIndexes(StepInputs.schema(r, in.frozen), loaded); // its notes repeat the schema step's: not shown again
        activities++;
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

  /** Runs one page's batches: starts activities up to its slots and collects the chunks loaded. */
  private interface BatchRunner {
    /** Starts what may start now (nothing while paused); returns how many activities it started. */
    int startMore(BooleanSupplier paused);

    boolean running();

    boolean finished();

    /** Waits until something in flight finishes; returns the results of chunks now on the target. */
    List<ChunkResult> awaitSome();
  }

  /** Direct transport: each batch is one copyChunks activity (read and write in one worker). */
  private final class DirectBatches implements BatchRunner {
    private final CopyInput copyIn;
    private final List<List<Chunk>> batches;
    private final int slots;
    private final Map<Integer, Promise<List<ChunkResult>>> running = new HashMap<>();
    private int next;

    DirectBatches(CopyInput copyIn, List<List<Chunk>> batches, int slots) {
      this.copyIn = copyIn;
      this.batches = batches;
      this.slots = slots;
    }

    @Override
    public int startMore(BooleanSupplier paused) {
      int started = 0;
      while (running.size() < slots && next < batches.size() && !paused.getAsBoolean()) {
        int i = next++;
        running.put(i, Async.function(copy::copyChunks, copyIn, batches.get(i)));
        started++;
      }
      return started;
    }

    @Override
    public boolean running() {
      return !running.isEmpty();
    }

    @Override
    public boolean finished() {
      return running.isEmpty() && next >= batches.size();
    }

    @Override
    public List<ChunkResult> awaitSome() {
      Promise.anyOf(running.values()).get();
      List<ChunkResult> out = new ArrayList<>();
      for (Integer i : new ArrayList<>(running.keySet())) {
        Promise<List<ChunkResult>> done = running.get(i);
        if (!done.isCompleted()) continue;
        running.remove(i);
        out.addAll(done.get());
      }
      return out;
    }
  }

  /**
   * Staged transport: each batch is dumped (dumpChunks, on copy.stage.dumpTaskQueue) and then
   * loaded (loadChunks, on copy.stage.loadTaskQueue). Up to dumpSlots dumps and loadSlots loads run
   * at once, and dumps run ahead of loads by at most dumpSlots + loadSlots batches, which bounds the
   * stage's disk use. A load that finds a file gone (a retry after its files were deleted) or not
   * matching its manifest makes that batch dump again, once; a second time fails the copy.
   */
  private final class StagedBatches implements BatchRunner {
    private final CopyInput copyIn;
    private final List<List<Chunk>> batches;
    private final int dumpSlots;
    private final int loadSlots;
    private final StagedCopyActivities dump;
    private final StagedCopyActivities load;
    private final Map<Integer, Promise<List<StagedChunk>>> dumping = new HashMap<>();
    private final Map<Integer, Promise<List<ChunkResult>>> loading = new HashMap<>();
    private final Map<Integer, List<StagedChunk>> files = new HashMap<>();
    private final ArrayDeque<Integer> dumped = new ArrayDeque<>();
    private final ArrayDeque<Integer> redump = new ArrayDeque<>();
    private final Set<Integer> redumped = new HashSet<>();
    private int next;

    StagedBatches(MigrationRequest r, CopyInput copyIn, List<List<Chunk>> batches, int dumpSlots, int loadSlots) {
      this.copyIn = copyIn;
      this.batches = batches;
      this.dumpSlots = dumpSlots;
      this.loadSlots = loadSlots;
      StageOptions st = r.copy.stage == null ? new StageOptions() : r.copy.stage;
      this.dump = Workflow.newActivityStub(StagedCopyActivities.class, options(st.dumpTaskQueue));
      this.load = Workflow.newActivityStub(StagedCopyActivities.class, options(st.loadTaskQueue));
    }

    @Override
    public int startMore(BooleanSupplier paused) {
      if (paused.getAsBoolean()) return 0;
      int started = 0;
      // Loads first: they free the stage.
      while (loading.size() < loadSlots && !dumped.isEmpty()) {
        int i = dumped.poll();
        loading.put(i, Async.function(load::loadChunks, copyIn, files.get(i)));
        started++;
      }
      while (dumping.size() < dumpSlots && dumping.size() + dumped.size() + loading.size() < dumpSlots + 2 * loadSlots
          && (!redump.isEmpty() || next < batches.size())) {
        int i = !redump.isEmpty() ? redump.poll() : next++;
        dumping.put(i, Async.function(dump::dumpChunks, copyIn, batches.get(i)));
        started++;
      }
      return started;
    }

    @Override
    public boolean running() {
      return !dumping.isEmpty() || !loading.isEmpty();
    }

    @Override
    public boolean finished() {
      return !running() && dumped.isEmpty() && redump.isEmpty() && next >= batches.size();
    }

    @Override
    public List<ChunkResult> awaitSome() {
      List<Promise<?>> all = new ArrayList<>(dumping.values());
      all.addAll(loading.values());
      try {
        Promise.anyOf(all.toArray(new Promise<?>[0])).get();
      } catch (RuntimeException e) {
        // a failed activity: handled below, from its own promise
      }
      for (Integer i : new ArrayList<>(dumping.keySet())) {
        Promise<List<StagedChunk>> done = dumping.get(i);
        if (!done.isCompleted()) continue;
        dumping.remove(i);
        files.put(i, done.get()); // a failed dump fails the child, and so the step
        dumped.add(i);
      }
      List<ChunkResult> out = new ArrayList<>();
      for (Integer i : new ArrayList<>(loading.keySet())) {
        Promise<List<ChunkResult>> done = loading.get(i);
        if (!done.isCompleted()) continue;
        loading.remove(i);
        List<StagedChunk> staged = files.remove(i);
        try {
          List<ChunkResult> res = done.get();
          // A chunk's time is its dump and its load (the adaptive chunk size aims at their sum).
          for (int k = 0; k < res.size() && k < staged.size(); k++) res.get(k).millis += staged.get(k).millis;
          out.addAll(res);
        } catch (ActivityFailure f) {
          if (missingFile(f) && redumped.add(i)) {
            redump.add(i);
          } else {
            throw f;
          }
        }
      }
      return out;
    }

    /** The batch's files are gone or damaged: dumping it again repairs that. */
    private boolean missingFile(ActivityFailure f) {
      return f.getCause() instanceof ApplicationFailure a
          && (StagedCopyActivities.STAGED_CHUNK_MISSING.equals(a.getType())
              || StagedCopyActivities.STAGED_CHUNK_CORRUPT.equals(a.getType()));
    }
  }
}
