package dev.migrator.model;

/** How the copy step chunks and parallelizes. */
public class CopyOptions {
  /** Target rows per chunk (mydumper --rows). */
  public long chunkRows = 50_000;
  /** Chunks copied at once by one worker. 0 means: derive from the handbook's rule of thumb. */
  public int parallelism = 0;
  /** Create secondary indexes after the load instead of before. */
  public boolean deferSecondaryIndexes = false;
}
