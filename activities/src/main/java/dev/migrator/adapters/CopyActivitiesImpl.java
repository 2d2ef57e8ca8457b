package dev.migrator.adapters;

import dev.migrator.activities.CopyActivities;
import dev.migrator.copy.ChunkCopier;
import dev.migrator.copy.TableChecksummer;
import dev.migrator.copy.TableMeta;
import dev.migrator.metrics.MigrationMetrics;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.CopyProgress;
import dev.migrator.model.LiveCopyResult;
import dev.migrator.activities.CopyInput;
import dev.migrator.model.TableChecksum;
import dev.migrator.model.TableProgress;
import dev.migrator.model.TableRef;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.Session;
import dev.migrator.copy.ConsistentSnapshot;
import dev.migrator.mysql.Sql;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import dev.migrator.copy.ChunkPlanner;
import dev.migrator.copy.ChunkWriter;
import dev.migrator.copy.CommittedChunks;
import dev.migrator.copy.TableMetas;
import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.Endpoint;
import java.sql.Connection;
import java.util.ArrayList;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step 6 for live-consistent: everything inside one consistent snapshot of the source. */
public class CopyActivitiesImpl implements CopyActivities {
  private static final Logger log = LoggerFactory.getLogger(CopyActivitiesImpl.class);
  private final Connector connector;
  private final ProgressReporter progress;

  public CopyActivitiesImpl(Connector connector, ProgressReporter progress) {
    this.connector = connector;
    this.progress = progress;
  }

  /**
   * Connections a live-consistent copy reads with when copy.parallelism is 0: mydumper's default
   * --threads, the load users already put on a production source for a dump. On 2 cores 4 copied
   * 4 x 250,000 rows in 4.00 s, 2 in 4.50 s (docs/benchmarks.md); set copy.parallelism lower to
   * spare a busy source.
   */
  public static final int LIVE_DEFAULT_READERS = 4;

  @Override
  public LiveCopyResult copyLiveConsistent(CopyInput r, List<TableRef> tables, String workflowId) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    LiveCopyResult result = new LiveCopyResult();
    result.attempt = ctx.getInfo().getAttempt();
    CopyProgress p = new CopyProgress();
    p.tablesTotal = tables.size();
    for (TableRef t : tables) p.tables.add(new TableProgress(t.qualified()));
    long started = System.currentTimeMillis();
    // Tables are read in parallel, each by one of n connections that share ONE snapshot (see
    // ConsistentSnapshot.openShared), and written by a target connection of its own.
    int n = Math.max(1, Math.min(tables.size(), r.copy.parallelism > 0 ? r.copy.parallelism : LIVE_DEFAULT_READERS));
    List<Connection> opened = new ArrayList<>();
    java.util.concurrent.ExecutorService pool = null;
    try {
      List<Session> sources = new ArrayList<>();
      List<Connection> targets = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Connection src = connector.open("source", r.source);
        opened.add(src);
        sources.add(new Session(src, r.source));
        Connection dst = connector.open("target", r.target);
        opened.add(dst);
        targets.add(dst);
      }
      ConsistentSnapshot.Shared snapshot = ConsistentSnapshot.openShared(sources.get(0), sources.subList(1, n));
      boolean copied = false;
      try {
        result.coordinates = snapshot.lead().coordinates();
        result.snapshot = snapshot.lead().how();
        int readers = 1 + snapshot.followers().size();
        log.info("migration {}: consistent snapshot at {} ({}), {} reader(s)", r.migrationId, result.coordinates,
            snapshot.lead().how(), readers);
        // AUTO (the default since issue 18): LOAD DATA where the target allows it, as the chunked path.
        boolean loadData = ChunkWriter.forTarget(r.copy.writeMethod, targets.get(0)).method()
            == dev.migrator.model.CopyOptions.WriteMethod.LOAD_DATA;
        for (Connection dst : targets) {
          ChunkCopier.prepareTargetSession(dst);
          dst.setAutoCommit(false);
        }
        TableChecksum[] sums = new TableChecksum[tables.size()];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        pool = java.util.concurrent.Executors.newFixedThreadPool(readers, job -> {
          Thread th = new Thread(job, "live-copy-" + r.migrationId);
          th.setDaemon(true);
          return th;
        });
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        // The activity thread's metrics scope and log context, for the readers' threads.
        com.uber.m3.tally.Scope metrics = MigrationMetrics.scope();
        Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
        for (int w = 0; w < readers; w++) {
          Connection src = sources.get(w).connection();
          Connection dst = targets.get(w);
          running.add(pool.submit(() -> {
            if (mdc != null) org.slf4j.MDC.setContextMap(mdc);
            for (int i = next.getAndIncrement(); i < tables.size(); i = next.getAndIncrement()) {
              sums[i] = copyTableLive(src, dst, tables.get(i), p.tables.get(i), p, r.copy.chunkRows, loadData, started,
                  r.copy.defersIndexes(), metrics);
            }
            return null;
          }));
        }
        long lastReport = 0;
        for (java.util.concurrent.Future<?> f : running) {
          while (true) {
            try {
              f.get(1, java.util.concurrent.TimeUnit.SECONDS);
              break;
            } catch (java.util.concurrent.TimeoutException notYet) {
              synchronized (p) {
                ctx.heartbeat("rows=" + p.rows);
                long now = System.currentTimeMillis();
                if (now - lastReport > 3000) {
                  lastReport = now;
                  safeReport(workflowId, p);
                }
              }
            }
          }
        }
        for (TableChecksum c : sums) result.sourceChecksums.add(c);
        copied = true;
      } finally {
        // After a failure other readers may still be inside a statement: abort their connections
        // (close would wait for the statement) instead of ending the snapshots one by one.
        if (copied) snapshot.close();
        else abortAll(opened);
      }
      p.chunksTotal = p.chunksDone;
      p.etaSeconds = 0L;
      result.progress = p;
      safeReport(workflowId, p);
      return result;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof SQLException x) throw MySqlErrors.failure("copy", r.target, x);
      if (e.getCause() instanceof RuntimeException x) throw x;
      throw new IllegalStateException("live-consistent copy failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("live-consistent copy interrupted", e);
    } catch (SQLException e) {
      throw MySqlErrors.failure("copy", r.target, e);
    } finally {
      // Closing the connections also stops readers still running after a failure or a cancellation.
      for (Connection c : opened) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // closing
        }
      }
      if (pool != null) pool.shutdownNow();
    }
  }

  private static void abortAll(List<Connection> connections) {
    for (Connection c : connections) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException ignored) {
        // aborting: the connection is gone either way
      }
    }
  }

  /** One table inside the shared snapshot: emptied, copied page by page in key order, checksummed there. */
  private static TableChecksum copyTableLive(Connection src, Connection dst, TableRef t, TableProgress tp, CopyProgress p,
      long chunkRows, boolean loadData, long started, boolean deferredIndexes, com.uber.m3.tally.Scope metrics)
      throws SQLException {
    TableMeta meta = TableMeta.read(src, t);
    // Not resumable: a retry re-copies the table from scratch inside a new snapshot.
    Jdbc.exec(dst, "TRUNCATE TABLE " + Sql.table(t.schema, t.table));
    Object[] after = null;
    long limit = meta.hasKey() ? chunkRows : 0;
    while (true) {
      ChunkCopier.ChunkResult c = loadData ? ChunkCopier.copyLoadData(src, dst, meta, after, limit)
          : ChunkCopier.copy(src, dst, meta, after, limit);
      dst.commit();
      synchronized (p) {
        tp.chunksDone++;
        tp.rows += c.rows();
        tp.bytes += c.bytes();
        p.chunksDone++;
        p.rows += c.rows();
        p.bytes += c.bytes();
        p.rowsPerSecond = p.rows * 1000.0 / Math.max(1, System.currentTimeMillis() - started);
        MigrationMetrics.chunkCopied(metrics, c.rows(), c.bytes(), p.rowsPerSecond);
      }
      if (!meta.hasKey() || c.rows() < chunkRows || c.lastKey() == null) break;
      after = c.lastKey();
    }
    TableChecksum sum = TableChecksummer.checksum(src, meta, null);
    if (deferredIndexes) {
      // Built by this reader as its table ends, while the others still load (as the chunked path's
      // children do); the post-load call after verify then finds them present.
      DeferredIndexes missing = DeferredIndexes.missing(src, dst, t);
      if (missing != null) {
        missing.add(dst);
        log.info("table {}: {} deferred secondary index(es) added after its load", t.qualified(), missing.count());
      }
    }
    synchronized (p) {
      tp.chunksTotal = tp.chunksDone;
      tp.done = true;
      p.tablesDone++;
    }
    return sum;
  }

  private void safeReport(String workflowId, CopyProgress p) {
    try {
      progress.report(workflowId, p);
    } catch (RuntimeException e) {
      log.debug("progress report failed: {}", e.toString());
    }
  }

  @Override
  public List<String> truncateTables(CopyInput r, List<TableRef> tables) {
    List<String> notes = new ArrayList<>();
    dev.migrator.guard.SchemaOwnership.Owner owner = dev.migrator.guard.SchemaOwnership.Owner.of(r.migrationId);
    java.util.Map<String, dev.migrator.guard.SchemaOwnership.Claim> claims = new java.util.HashMap<>();
    try (Connection dst = connector.open("target", r.target);
        Keepalive k = Keepalive.during("emptying " + tables.size() + " table(s)")) {
      ChunkCopier.prepareTargetSession(dst);
      for (TableRef t : tables) {
        // Only tables this migration created, in a schema it owns: never another's rows.
        if (!claims.containsKey(t.schema)) claims.put(t.schema, dev.migrator.guard.SchemaOwnership.read(dst, t.schema));
        dev.migrator.guard.SchemaOwnership.Claim claim = claims.get(t.schema);
        if (claim == null || !claim.ownedBy(owner) || !claim.objects().contains("TABLE " + t.table.toLowerCase(java.util.Locale.ROOT))) {
          notes.add("left table " + t.qualified() + " on the target alone: this migration did not create it");
          continue;
        }
        if (Jdbc.scalar(dst, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + Sql.literal(t.schema)
            + " AND TABLE_NAME = " + Sql.literal(t.table)) != null) {
          Jdbc.exec(dst, "TRUNCATE TABLE " + Sql.table(t.schema, t.table));
        }
      }
      return notes;
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  @Override
  public dev.migrator.model.CopySizing sizeCopy(CopyInput r) {
    Endpoint frozen = r.from;
    return new CopySizer(connector).size(frozen, r.target, r.frozenInstanceClass);
  }

  @Override
  public List<ChunkPlan> planPage(CopyInput r, List<TableRef> tables, Chunk previous,
      int maxChunks, long chunkRows) {
    long rows = chunkRows > 0 ? chunkRows : r.copy.chunkRows;
    Endpoint frozen = r.from;
    List<ChunkPlan> pages = new ArrayList<>();
    int planned = 0;
    try (Connection src = connector.open("frozen copy", frozen)) {
      for (int i = 0; i < tables.size() && planned < maxChunks; i++) {
        TableRef t = tables.get(i);
        ChunkPlan page = ChunkPlanner.planPage(src, TableMeta.read(src, t), rows, r.copy.chunkBytes,
            i == 0 ? previous : null, maxChunks - planned);
        pages.add(page);
        planned += page.chunks.size();
        Activity.getExecutionContext().heartbeat(t.qualified());
        if (!page.complete) break;
      }
      return pages;
    } catch (SQLException e) {
      throw MySqlErrors.failure("frozen copy", frozen, e);
    }
  }

  @Override
  public List<ChunkResult> copyChunks(CopyInput r, List<Chunk> chunks) {
    Endpoint frozen = r.from;
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    // Chunks committed by an earlier attempt of this activity (its last heartbeat) are skipped;
    // the heartbeat also carries their rows and bytes, so the copy's totals stay exact.
    long[] before = committedBefore(ctx);
    int committed = (int) before[0];
    List<ChunkResult> results = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    try (Connection src = connector.open("frozen copy", frozen); Connection dst = connector.open("target", r.target)) {
      ChunkCopier.prepareTargetSession(dst);
      ChunkWriter writer = ChunkWriter.forTarget(r.copy.writeMethod, dst);
      long t1 = System.currentTimeMillis();
      TableMetas meta = new TableMetas(src);
      for (int i = 0; i < Math.min(committed, chunks.size()); i++) {
        // The earlier attempt's totals go on the first skipped chunk: the workflow only sums them.
        Chunk c = chunks.get(i);
        results.add(new ChunkResult(c.table, c.ordinal, i == 0 ? before[1] : 0, i == 0 ? before[2] : 0, null));
      }
      if (ctx.getInfo().getAttempt() > 1 && committed < chunks.size()) {
        // Commits after the last heartbeat that reached the service: found on the target, not redone.
        int more = CommittedChunks.alreadyCopied(src, dst, chunks, committed, meta, results, r.inlineChecksums >= 1);
        if (more > 0) log.info("{} chunk(s) committed by the lost attempt after its last heartbeat: not copied again", more);
        ctx.heartbeat(progress(results));
      }
      for (int i = results.size(); i < chunks.size(); i++) {
        Chunk c = chunks.get(i);
        long started = System.nanoTime();
        TableMeta m = meta.of(c.table);
        ChunkResult res = writer.copyChunk(src, dst, m, c, (rows, bytes) -> ctx.heartbeat(progress(results)));
        if (r.inlineChecksums >= 1) inlineSums(src, dst, m, c, res);
        res.millis = (System.nanoTime() - started) / 1_000_000;
        results.add(res);
        ctx.heartbeat(progress(results));
      }
      log.info("copied {} chunk(s) from {} in {} ms (connect {} ms, {})", chunks.size(), chunks.get(0).table,
          System.currentTimeMillis() - t0, t1 - t0, writer.method());
      return results;
    } catch (SQLException e) {
      throw MySqlErrors.failure("copy", r.target, e);
    }
  }

  /** Test hook: runs after a chunk's commit, before its inline checksums (a crash there is re-checked by verify). */
  private static volatile java.util.function.Consumer<Chunk> afterCommit = c -> { };

  /** Tests only: {@code hook} runs after each chunk's commit, before its inline checksums. */
  public static void afterCommitHook(java.util.function.Consumer<Chunk> hook) {
    afterCommit = hook;
  }

  /**
   * The chunk's inline checksums, right after its commit: its range on the frozen copy (quiescent,
   * so the same rows the copy read) and on the target (the rows just committed, still in the buffer
   * pool), read at the same time on both servers.
   */
  static void inlineSums(Connection src, Connection dst, TableMeta m, Chunk c, ChunkResult res) throws SQLException {
    afterCommit.accept(c);
    java.util.concurrent.CompletableFuture<dev.migrator.model.ContentSum> source =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return TableChecksummer.crcChunk(src, m, c);
          } catch (SQLException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        }, INLINE);
    res.target = TableChecksummer.crcChunk(dst, m, c);
    try {
      res.source = source.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof SQLException s) throw s;
      throw e;
    }
  }

  /** Threads for the frozen copy's side of the inline checksums (one query per chunk, short). */
  private static final java.util.concurrent.ExecutorService INLINE = java.util.concurrent.Executors.newCachedThreadPool(job -> {
    Thread th = new Thread(job, "inline-checksum");
    th.setDaemon(true);
    return th;
  });

  /** Heartbeat details of copyChunks: {chunks committed, their rows, their bytes}. */
  private static long[] progress(List<ChunkResult> results) {
    long[] p = {results.size(), 0, 0};
    for (ChunkResult r : results) {
      p[1] += r.rows;
      p[2] += r.bytes;
    }
    return p;
  }

  private static long[] committedBefore(ActivityExecutionContext ctx) {
    try {
      return ctx.getHeartbeatDetails(long[].class).orElse(new long[3]);
    } catch (RuntimeException e) {
      // a heartbeat recorded by an older worker: the count alone
      return new long[] {ctx.getHeartbeatDetails(Integer.class).orElse(0), 0, 0};
    }
  }
}
