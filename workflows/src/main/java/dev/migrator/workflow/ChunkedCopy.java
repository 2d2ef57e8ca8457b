package dev.migrator.workflow;

import dev.migrator.activities.CopyActivities;
import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.CopyProgress;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.TableProgress;
import dev.migrator.model.TableRef;
import io.temporal.workflow.Async;
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
 * Step 6 from a frozen copy: plan once, then copy batches of chunks with up to N activities in
 * flight. Batches already committed are remembered, so a retry of the step (after an operator's
 * 'retry') copies only what is missing. A pause stops new batches from starting; running ones
 * finish. Progress (chunks, rows, bytes, rate, ETA) is updated as batches complete.
 */
final class ChunkedCopy {
  /** Upper bound of activities one copy schedules; batches grow to stay under it. */
  static final int MAX_BATCHES = 2000;

  private final CopyActivities copy;
  private final MigrationStatus status;
  private final BooleanSupplier paused;
  private final BooleanSupplier rollingBack;
  private final Functions.Proc checkRollback;
  private List<ChunkPlan> plans;
  private List<List<Chunk>> batches;
  private final Set<Integer> done = new HashSet<>();

  ChunkedCopy(CopyActivities copy, MigrationStatus status, BooleanSupplier paused, BooleanSupplier rollingBack,
      Functions.Proc checkRollback) {
    this.copy = copy;
    this.status = status;
    this.paused = paused;
    this.rollingBack = rollingBack;
    this.checkRollback = checkRollback;
  }

  /** Forgets the plan and what was copied (a rebuild copies again from a new frozen copy). */
  void reset() {
    plans = null;
    batches = null;
    done.clear();
  }

  void run(MigrationRequest r, Endpoint frozen, List<TableRef> tables) {
    if (plans == null) {
      // Planned once: a retried step reuses the same boundaries.
      plans = copy.planChunks(r, frozen, tables);
      plans.forEach(p -> p.warnings.forEach(w -> status.warnings.add(p.table + ": " + w)));
      batches = batch(plans);
      status.copy = progress(plans);
    }
    int slots = r.copy.parallelism > 0 ? r.copy.parallelism : 2;
    long started = Workflow.currentTimeMillis();
    long rowsAtStart = status.copy.rows;
    Map<Integer, Promise<List<ChunkResult>>> running = new HashMap<>();
    int next = 0;
    while (true) {
      while (running.size() < slots && next < batches.size() && !paused.getAsBoolean()) {
        int i = next++;
        if (done.contains(i)) continue;
        running.put(i, Async.function(copy::copyChunks, r, frozen, batches.get(i)));
      }
      if (running.isEmpty()) {
        if (next >= batches.size()) return;
        // Paused with nothing in flight: wait for resume (or rollback).
        Workflow.await(() -> !paused.getAsBoolean() || rollingBack.getAsBoolean());
        checkRollback.apply();
        continue;
      }
      Promise.anyOf(running.values()).get();
      for (Integer i : new ArrayList<>(running.keySet())) {
        Promise<List<ChunkResult>> p = running.get(i);
        if (!p.isCompleted()) continue;
        running.remove(i);
        List<ChunkResult> results = p.get(); // a failed batch fails the step (pause / retry / rollback)
        done.add(i);
        record(results, started, rowsAtStart);
      }
      checkRollback.apply();
    }
  }

  /**
   * Cuts the plans into batches and interleaves the tables (t1#0, t2#0, ..., t1#1, ...): parallel
   * slots then load different tables, instead of queueing on one table's locks (InnoDB's bulk
   * load into an empty table locks the table).
   */
  static List<List<Chunk>> batch(List<ChunkPlan> plans) {
    int total = plans.stream().mapToInt(p -> p.chunks.size()).sum();
    int size = Math.max(1, (total + MAX_BATCHES - 1) / MAX_BATCHES);
    List<List<List<Chunk>>> perTable = new ArrayList<>();
    for (ChunkPlan p : plans) {
      List<List<Chunk>> t = new ArrayList<>();
      for (int i = 0; i < p.chunks.size(); i += size) {
        t.add(new ArrayList<>(p.chunks.subList(i, Math.min(p.chunks.size(), i + size))));
      }
      perTable.add(t);
    }
    List<List<Chunk>> out = new ArrayList<>();
    for (int round = 0; out.size() < (total + size - 1) / size + perTable.size(); round++) {
      boolean any = false;
      for (List<List<Chunk>> t : perTable) {
        if (round < t.size()) {
          out.add(t.get(round));
          any = true;
        }
      }
      if (!any) break;
    }
    return out;
  }

  private static CopyProgress progress(List<ChunkPlan> plans) {
    CopyProgress c = new CopyProgress();
    c.tablesTotal = plans.size();
    for (ChunkPlan p : plans) {
      TableProgress t = new TableProgress(p.table.qualified());
      t.chunksTotal = p.chunks.size();
      c.chunksTotal += t.chunksTotal;
      c.tables.add(t);
      if (t.chunksTotal == 0) {
        t.done = true;
        c.tablesDone++;
      }
    }
    return c;
  }

  private void record(List<ChunkResult> results, long started, long rowsAtStart) {
    CopyProgress c = status.copy;
    for (ChunkResult res : results) {
      c.chunksDone++;
      c.rows += res.rows;
      c.bytes += res.bytes;
      for (TableProgress t : c.tables) {
        if (t.table.equals(res.table.qualified())) {
          t.chunksDone++;
          t.rows += res.rows;
          t.bytes += res.bytes;
          if (t.chunksDone >= t.chunksTotal && !t.done) {
            t.done = true;
            c.tablesDone++;
          }
        }
      }
    }
    long elapsed = Math.max(1, Workflow.currentTimeMillis() - started);
    c.rowsPerSecond = (c.rows - rowsAtStart) * 1000.0 / elapsed;
    double chunksPerMs = (double) c.chunksDone / elapsed;
    c.etaSeconds = chunksPerMs <= 0 ? null : (long) ((c.chunksTotal - c.chunksDone) / chunksPerMs / 1000);
  }
}
