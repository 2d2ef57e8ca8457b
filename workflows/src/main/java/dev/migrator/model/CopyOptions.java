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
  /** Create secondary indexes after the load instead of before. */
  public boolean deferSecondaryIndexes = false;
}
