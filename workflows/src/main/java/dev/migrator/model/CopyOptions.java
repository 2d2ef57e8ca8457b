package dev.migrator.model;

/** How the copy step chunks and parallelizes. */
public class CopyOptions {
  /** Target rows per chunk (mydumper --rows). */
  public long chunkRows = 50_000;
  /** Target bytes per chunk (MySQL Shell bytesPerChunk), from the table's average row length; 0 = rows only. */
  public long chunkBytes = 64L << 20;
  /**
   * How chunk rows are written: batched multi-row INSERT, streamed LOAD DATA LOCAL INFILE, or AUTO:
   * LOAD DATA where the target allows it (local_infile ON), else INSERT, decided by the worker as
   * it opens the target. Left out: AUTO for migrations started since the fast copy defaults
   * (issue 18), INSERT for those started before (their histories replay as recorded).
   */
  public WriteMethod writeMethod;

  public enum WriteMethod { INSERT, LOAD_DATA, AUTO }
  /** Chunks copied at once by one worker. 0 means: derive from the handbook's rule of thumb. */
  public int parallelism = 0;
  /**
   * Chunks per copy activity (a batch). 0 = automatic: a page's chunks split evenly over the
   * child's slots, at most {@link #MAX_AUTO_CHUNKS_PER_ACTIVITY} per activity (each activity costs
   * a few Temporal round trips, two connections and a metadata read; fewer, longer activities are
   * measurably faster, see docs/benchmarks.md). Resume stays per chunk (heartbeats).
   */
  public int chunksPerActivity = 0;

  public static final int MAX_AUTO_CHUNKS_PER_ACTIVITY = 50;
  /** Most chunks one planPage activity returns (one page of the plan). */
  public int planPageChunks = 1000;
  /** Activities a table-copy child runs before it continues as new (bounds each run's history). */
  public int activitiesPerRun = 500;
  /** A table-copy child reports progress to the migration at most this often (plus on pause and at the end). */
  public int progressReportSeconds = 30;
  /**
   * How chunks travel: "direct" (default; streamed from the frozen copy into the target by one
   * worker) or "staged" (dumped to files in {@link #stage}, then loaded from them; see StageOptions).
   */
  public String transport = "direct";
  /** Where staged chunks go (transport "staged" only). */
  public StageOptions stage;
  /**
   * Adaptive chunk size: when above 0, each table-copy child measures how long its chunks take and
   * plans the next page with chunkRows scaled toward this many seconds per chunk (cashapp/spirit's
   * target-chunk-time), within [chunkRows / 10, chunkRows * 10]. 0 = fixed chunkRows/chunkBytes.
   * Boundaries are planned page by page and recorded in history, so a resumed copy reuses them.
   */
  public double targetChunkSeconds = 0;
  /**
   * Create secondary indexes after each table's load instead of before it (faster: see
   * docs/benchmarks.md). Left out: true for migrations started since the fast copy defaults (issue
   * 18), false for those started before.
   */
  public Boolean deferSecondaryIndexes;

  /** The defaults a migration started since issue 18 gets for the options it left out. */
  public void applyFastDefaults() {
    if (writeMethod == null) writeMethod = WriteMethod.AUTO;
    if (deferSecondaryIndexes == null) deferSecondaryIndexes = true;
  }

  /** Whether secondary indexes are deferred (left out and never defaulted: no, as before issue 18). */
  public boolean defersIndexes() {
    return Boolean.TRUE.equals(deferSecondaryIndexes);
  }

  /**
   * Disable the target's InnoDB redo log during the copy (ALTER INSTANCE DISABLE INNODB REDO_LOG,
   * self-managed MySQL 8.0.21+, INNODB_REDO_LOG_ENABLE privilege); enabled again after it. Faster
   * loads, but MySQL documents it for loading a new instance only: a server crash while disabled
   * can lose data and corrupt the whole instance (then roll back and copy into a fresh target).
   * Refused for rds-mysql/aurora-mysql targets; preflight blocks on MariaDB and older MySQL.
   */
  public boolean disableRedoLog = false;
}
