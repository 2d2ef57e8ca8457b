package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/** The chunks of one table, in key order, plus how they were made. JSON-serializable for workflow state. */
public class ChunkPlan {
  public TableRef table;
  /** The index the chunks follow; null for a keyless table. */
  public String index;
  public List<String> keyColumns = new ArrayList<>();
  /** "int-range" (arithmetic on a dense integer key), "index-walk" (exact boundaries) or "whole-table". */
  public String method;
  /** Row limit per chunk actually used: min(chunkRows, chunkBytes / average row length). */
  public long rowsPerChunk;
  /** information_schema estimates at planning time. */
  public long estimatedRows;
  public long estimatedBytes;
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
