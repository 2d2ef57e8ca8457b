package dev.migrator.model;

/** How the copy step chunks and parallelizes. */
public class CopyOptions {
  /** Target rows per chunk (mydumper --rows). */
  public long chunkRows = 50_000;
  /** Target bytes per chunk (MySQL Shell bytesPerChunk), from the table's average row length; 0 = rows only. */
  public long chunkBytes = 64L << 20;
  /** How chunk rows are written: batched multi-row INSERT, or streamed LOAD DATA LOCAL INFILE. */
  public WriteMethod writeMethod = WriteMethod.INSERT;

  public enum WriteMethod { INSERT, LOAD_DATA }
  /** Chunks copied at once by one worker. 0 means: derive from the handbook's rule of thumb. */
  public int parallelism = 0;
  /** Chunks per copyChunks activity (a batch); one chunk each by default. */
  public int chunksPerActivity = 1;
  /** Most chunks one planPage activity returns (one page of the plan). */
  public int planPageChunks = 1000;
  /** Activities a table-copy child runs before it continues as new (bounds each run's history). */
  public int activitiesPerRun = 500;
  /** A table-copy child reports progress to the migration at most this often (plus on pause and at the end). */
  public int progressReportSeconds = 30;
  /** Create secondary indexes after the load instead of before. */
  public boolean deferSecondaryIndexes = false;
}
