package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/** Input of one table-copy child run: the group of tables and the cursor carried across continue-as-new. */
public class TableCopyInput {
  public MigrationRequest request;
  public Endpoint frozen;
  /** The group's tables, in copy order. */
  public List<TableRef> tables = new ArrayList<>();
  public String parentWorkflowId;
  /** Copy activities in flight in this child. */
  public int slots = 1;
  /** Staged transport: dumps and loads in flight at once in this child. */
  public int dumpSlots = 1;
  public int loadSlots = 1;
  /** Adaptive chunk size: rows per chunk for the next page (0 = copy.chunkRows). */
  public long chunkRows;
  /** Progress signals this child may still send to the parent (its share of the parent's budget). */
  public int reportsLeft;
  /**
   * Inline checksums (the parent's version "inline-checksums" and verify.mode inline): 1 = every
   * chunk is checksummed on both sides as it is copied and the sums are combined per table in
   * {@link TableProgress#inline}; 0 = none (verify reads both sides in full).
   */
  public int inlineChecksums;
  /** Paused when started (the parent was paused). */
  public boolean paused;

  // Cursor: everything before it is copied.
  /** Index in {@link #tables} of the next table to plan. */
  public int tableIndex;
  /** Last chunk planned (and copied) of tables[tableIndex]; null = start of that table. */
  public Chunk previous;
  /** Progress of tables[tableIndex] when it is partly copied (spans pages or runs); null otherwise. */
  public TableProgress current;
  /** Counters over all runs, and what is not reported yet. */
  public TableCopyProgress progress = new TableCopyProgress();
  /** Workflow time of the last progress signal; 0 = none yet. */
  public long lastReportAtMillis;

  public TableCopyInput() {}
}
