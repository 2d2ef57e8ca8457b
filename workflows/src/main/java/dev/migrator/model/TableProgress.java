package dev.migrator.model;

/** Copy progress of one table. */
public class TableProgress {
  public String table;
  public long chunksDone;
  public long chunksTotal;
  public long rows;
  public long bytes;
  public boolean done;
  /** Inline checksums of the chunks copied so far (copy with inline checksums only; else null). */
  public TableSums inline;

  public TableProgress() {}

  public TableProgress(String table) {
    this.table = table;
  }
}
