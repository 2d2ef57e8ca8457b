package dev.migrator.workflow.checklist;

import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.CopyOptions;
import dev.migrator.model.CopyProgress;
import dev.migrator.model.CopySizing;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.TableCopyInput;
import dev.migrator.model.TableCopyProgress;
import dev.migrator.model.TableProgress;
import dev.migrator.model.TableRef;
import dev.migrator.model.TableSums;
import dev.migrator.model.Transport;
import dev.migrator.workflow.TableCopyWorkflow;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Step 6 from a frozen copy: the tables are cut into at most {@link #MAX_CHILDREN} groups, each
 * copied by a {@link TableCopyWorkflow} child (plans page by page, copies in batches, continues as
 * new), with up to {@link CopySizing#slots} copy activities in flight over all children (staged:
 * up to {@code readers} dumps and {@code writers} loads). The
 * migration's history grows by a bounded amount: one child per group, and at most
 * {@link #MAX_PROGRESS_REPORTS} progress signals from all children together. Groups already copied
 * are remembered, so a retry of the step (after an operator's 'retry') copies only the others. A
 * pause is passed on to the running children (a signal each): they start no new batch; running
 * ones finish.
 */
public final class ChunkedCopy {
  /** Most table-copy children of one copy (tables are grouped to stay under it). */
  public static final int MAX_CHILDREN = 100;
  /** Most progress signals all children of one copy send to the migration together. */
  static final int MAX_PROGRESS_REPORTS = 2000;
  /** Per-table progress lines kept in the status (totals are always exact). */
  static final int MAX_TABLE_LINES = 1000;

  private final MigrationStatus status;
  private final BooleanSupplier paused;
  private final BooleanSupplier rollingBack;
  private final Functions.Proc checkRollback;
  private List<List<TableRef>> groups;
  private final Map<Integer, TableCopyProgress> latest = new HashMap<>();
  private final Set<Integer> done = new HashSet<>();
  private int attempt;
  /** Inline checksums of this copy (see TableCopyInput.inlineChecksums); 0 = none. */
  private int inlineChecksums;
  /** Each finished table's inline sums, by table (kept across a retry of the step; a table copied again replaces its own). */
  private final Map<String, TableSums> sums = new java.util.LinkedHashMap<>();
  private boolean sentPaused;
  private long started;
  private long rowsAtStart;

  /** Told when an operator's pause takes hold of the copy and when it ends (pauses-visible runs). */
  Functions.Proc1<Boolean> onPauseChanged;

  ChunkedCopy(MigrationStatus status, BooleanSupplier paused, BooleanSupplier rollingBack, Functions.Proc checkRollback) {
    this.status = status;
    this.paused = paused;
    this.rollingBack = rollingBack;
    this.checkRollback = checkRollback;
  }

  /** Forgets what was copied (a rebuild copies again from a new frozen copy). */
  void reset() {
    groups = null;
    latest.clear();
    done.clear();
    sums.clear();
  }

  /** 1 when the chunks are checksummed as they are copied (set by the copy step before run). */
  void inlineChecksums(int version) {
    inlineChecksums = version;
  }

  int inlineChecksums() {
    return inlineChecksums;
  }

  /** Each finished table's inline sums, by qualified name. */
  Map<String, TableSums> inlineSums() {
    return new java.util.LinkedHashMap<>(sums);
  }

  static List<List<TableRef>> group(List<TableRef> tables) {
    int size = Math.max(1, (tables.size() + MAX_CHILDREN - 1) / MAX_CHILDREN);
    List<List<TableRef>> out = new ArrayList<>();
    for (int i = 0; i < tables.size(); i += size) {
      out.add(new ArrayList<>(tables.subList(i, Math.min(tables.size(), i + size))));
    }
    return out;
  }

  void run(MigrationRequest r, Endpoint frozen, List<TableRef> tables, CopySizing sizing) {
    if (groups == null) {
      groups = group(tables);
      status.copy = new CopyProgress();
      status.copy.tablesTotal = tables.size();
    }
    status.copy.sizing = sizing;
    attempt++;
    boolean staged = Transport.of(r.copy.transport) == Transport.STAGED;
    // Direct: each activity reads and writes. Staged: dumps and loads are separate activities.
    int slots = staged ? Math.max(sizing.readers, sizing.writers) : sizing.slots;
    int childrenAtOnce = Math.max(1, Math.min(slots, groups.size()));
    int childSlots = Math.max(1, slots / childrenAtOnce);
    int childDumps = Math.max(1, sizing.readers / childrenAtOnce);
    int childLoads = Math.max(1, sizing.writers / childrenAtOnce);
    int reportsEach = Math.max(1, MAX_PROGRESS_REPORTS / Math.max(1, groups.size()));
    String parentId = Workflow.getInfo().getWorkflowId();
    started = Workflow.currentTimeMillis();
    rowsAtStart = status.copy.rows;

    Map<Integer, Promise<TableCopyProgress>> running = new HashMap<>();
    Map<Integer, String> childIds = new HashMap<>();
    List<CancellationScope> scopes = new ArrayList<>();
    sentPaused = false;
    int next = 0;
    try {
      while (true) {
        boolean p = paused.getAsBoolean();
        if (p != sentPaused) {
          for (String id : childIds.values()) {
            Workflow.newExternalWorkflowStub(TableCopyWorkflow.class, id).setPaused(p);
          }
          sentPaused = p;
          if (onPauseChanged != null) onPauseChanged.apply(p);
        }
        while (running.size() < childrenAtOnce && next < groups.size() && !p) {
          int g = next++;
          if (done.contains(g)) continue;
          TableCopyInput in = new TableCopyInput();
          in.request = r;
          in.frozen = frozen;
          in.tables = groups.get(g);
          in.parentWorkflowId = parentId;
          in.slots = childSlots;
          in.dumpSlots = childDumps;
          in.loadSlots = childLoads;
          in.reportsLeft = reportsEach;
          in.inlineChecksums = inlineChecksums;
          in.progress.group = g;
          String id = parentId + "-copy-" + g + (attempt > 1 ? "-retry-" + (attempt - 1) : "");
          TableCopyWorkflow child = Workflow.newChildWorkflowStub(TableCopyWorkflow.class,
              ChildWorkflowOptions.newBuilder().setWorkflowId(id).build());
          latest.remove(g);
          CancellationScope scope = Workflow.newCancellationScope(
              () -> running.put(g, Async.function(child::run, in)));
          scope.run();
          scopes.add(scope);
          childIds.put(g, id);
        }
        if (running.isEmpty() && next >= groups.size()) return;
        Workflow.await(() -> rollingBack.getAsBoolean() || paused.getAsBoolean() != sentPaused
            || running.values().stream().anyMatch(Promise::isCompleted) || (running.isEmpty() && !paused.getAsBoolean()));
        if (rollingBack.getAsBoolean()) {
          cancel(scopes, running);
          checkRollback.apply();
        }
        for (Integer g : new ArrayList<>(running.keySet())) {
          Promise<TableCopyProgress> c = running.get(g);
          if (!c.isCompleted()) continue;
          running.remove(g);
          childIds.remove(g);
          TableCopyProgress res = c.get(); // a failed child fails the step (pause / retry / rollback)
          done.add(g);
          report(res);
        }
      }
    } catch (RuntimeException e) {
      cancel(scopes, running);
      throw e;
    }
  }

  /** Cancels the running children and waits until they stopped (their activities finish cancelling). */
  private static void cancel(List<CancellationScope> scopes, Map<Integer, Promise<TableCopyProgress>> running) {
    scopes.forEach(CancellationScope::cancel);
    for (Promise<TableCopyProgress> c : running.values()) {
      try {
        c.get();
      } catch (RuntimeException ignored) {
        // cancelled or failed: either way it stopped
      }
    }
    running.clear();
  }

  /** A child's cumulative progress (signal or final result). */
  void report(TableCopyProgress p) {
    if (p == null || status.copy == null || groups == null) return;
    latest.put(p.group, p);
    CopyProgress c = status.copy;
    p.warnings.forEach(status.warnings::add);
    for (TableProgress t : p.finished) {
      if (t.inline != null) sums.put(t.table, t.inline);
    }
    if (c.tablesTotal <= MAX_TABLE_LINES) {
      for (TableProgress t : p.finished) {
        c.tables.removeIf(x -> x.table.equals(t.table));
        c.tables.add(withoutSums(t));
      }
    }
    int tablesDone = 0;
    int tablesPlanned = 0;
    long chunksTotal = 0;
    long chunksDone = 0;
    long rows = 0;
    long bytes = 0;
    for (TableCopyProgress l : latest.values()) {
      tablesDone += l.tablesDone;
      tablesPlanned += l.tablesPlanned;
      chunksTotal += l.chunksPlanned;
      chunksDone += l.chunksDone;
      rows += l.rows;
      bytes += l.bytes;
    }
    c.tablesDone = tablesDone;
    c.chunksTotal = chunksTotal;
    c.chunksDone = chunksDone;
    c.rows = rows;
    c.bytes = bytes;
    long elapsed = Math.max(1, Workflow.currentTimeMillis() - started);
    c.rowsPerSecond = Math.max(0, c.rows - rowsAtStart) * 1000.0 / elapsed;
    double chunksPerMs = (double) c.chunksDone / elapsed;
    // Chunks are known page by page: an ETA only once every table is planned.
    c.etaSeconds = chunksPerMs <= 0 || tablesPlanned < c.tablesTotal ? null
        : (long) ((c.chunksTotal - c.chunksDone) / chunksPerMs / 1000);
  }

  /** The status line of a table: its counters, not its checksums (nor the bounds of unknown chunks). */
  private static TableProgress withoutSums(TableProgress t) {
    if (t.inline == null) return t;
    TableProgress s = new TableProgress(t.table);
    s.chunksDone = t.chunksDone;
    s.chunksTotal = t.chunksTotal;
    s.rows = t.rows;
    s.bytes = t.bytes;
    s.done = t.done;
    return s;
  }

  /**
   * Chunks per copy activity for a page of {@code chunks} copied with {@code slots} at once:
   * copy.chunksPerActivity when set, else the page split evenly over the slots, capped at
   * {@link CopyOptions#MAX_AUTO_CHUNKS_PER_ACTIVITY} (so pause, progress and the tail of a page
   * stay within a few dozen chunks).
   */
  public static int chunksPerActivity(CopyOptions copy, int chunks, int slots) {
    if (copy.chunksPerActivity > 0) return copy.chunksPerActivity;
    int even = (chunks + Math.max(1, slots) - 1) / Math.max(1, slots);
    return Math.max(1, Math.min(CopyOptions.MAX_AUTO_CHUNKS_PER_ACTIVITY, even));
  }

  /**
   * Interleaves the pages' chunks by table (t1#0, t2#0, ..., t1#1, ...) and cuts that order into
   * batches of {@code size} chunks: parallel slots then load different tables, instead of queueing on one table's
   * locks (InnoDB's bulk load into an empty table locks the table).
   */
  public static List<List<Chunk>> batch(List<ChunkPlan> plans, int size) {
    List<Chunk> order = new ArrayList<>();
    for (int round = 0; ; round++) {
      boolean any = false;
      for (ChunkPlan p : plans) {
        if (round < p.chunks.size()) {
          order.add(p.chunks.get(round));
          any = true;
        }
      }
      if (!any) break;
    }
    List<List<Chunk>> out = new ArrayList<>();
    for (int i = 0; i < order.size(); i += size) {
      out.add(new ArrayList<>(order.subList(i, Math.min(order.size(), i + size))));
    }
    return out;
  }
}
