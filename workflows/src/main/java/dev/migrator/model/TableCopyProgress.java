package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Cumulative progress of one table-copy child (one group of tables, over all its runs), sent to
 * the migration as a signal at a bounded rate and returned as the child's result.
 */
public class TableCopyProgress {
  /** Index of the child's group of tables. */
  public int group;
  /** Tables of the group whose plan is complete (all pages planned). */
  public int tablesPlanned;
  public int tablesDone;
  /** Chunks planned so far (grows page by page). */
  public long chunksPlanned;
  public long chunksDone;
  public long rows;
  public long bytes;
  /** Continue-as-new runs so far (1 = the first run). */
  public int runs = 1;
  /** Tables finished since the last report (name, chunks, rows, bytes); cleared once reported. */
  public List<TableProgress> finished = new ArrayList<>();
  /** Planner warnings since the last report. */
  public List<String> warnings = new ArrayList<>();
  /** True in the final result. */
  public boolean complete;

  public TableCopyProgress() {}
}
