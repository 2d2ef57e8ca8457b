package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The chunks of one table (or one page of them, see ChunkPlanner.planPage), in key order, plus how
 * they were made. JSON-serializable for workflow state. The chunks of a complete plan partition
 * the whole key space (first chunk open below, last open above), so a plan made at any moment
 * covers every row of any later snapshot: planning need not run inside the copy's snapshot.
 */
public class ChunkPlan {
  public TableRef table;
  /** The index the chunks follow; null for a keyless table. */
  public String index;
  public List<String> keyColumns = new ArrayList<>();
  /** "int-range" (arithmetic on a dense integer key), "index-walk" (exact boundaries), "whole-table" (keyless), "done" (empty page after the last). */
  public String method;
  /** Row limit per chunk actually used: min(chunkRows, chunkBytes / average row length). */
  public long rowsPerChunk;
  /** information_schema estimates at planning time. */
  public long estimatedRows;
  public long estimatedBytes;
  /** Ordinal of the first chunk of this page (0 for a whole plan or the first page). */
  public int firstOrdinal;
  /** This page holds the table's last chunk (always true for a whole plan). */
  public boolean complete;
  public List<Chunk> chunks = new ArrayList<>();
  /** Human-readable warnings, e.g. a keyless table copied whole. */
  public List<String> warnings = new ArrayList<>();

  public ChunkPlan() {}

  @Override
  public String toString() {
    return table + " " + method + " chunks=" + chunks.size() + " rowsPerChunk=" + rowsPerChunk
        + (warnings.isEmpty() ? "" : " warnings=" + warnings);
  }
}
