package dev.migrator.model;

/** Copy progress of one table. */
public class TableProgress {
  public String table;
  public long chunksDone;
  public long chunksTotal;
  public long rows;
  public long bytes;
  public boolean done;

  public TableProgress() {}

  public TableProgress(String table) {
    this.table = table;
  }
}
