package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A table's inline checksums, combined from its chunks' (see {@link ContentSum}): the frozen
 * copy's side and the target's at commit time, and the chunks whose sums are unknown (a chunk
 * skipped on a retry after a crash between its commit and its checksums, or copied by a worker
 * without inline checksums), which verify reads again on the frozen copy.
 */
public class TableSums {
  /** Most unknown chunks listed; beyond, verify reads the whole table on the frozen copy. */
  public static final int MAX_UNKNOWN = 100;

  public String table;
  /** Sum of the chunks with known sums; null = none known yet. */
  public ContentSum source;
  public ContentSum target;
  /** Chunks whose sums are unknown (at most MAX_UNKNOWN). */
  public List<Chunk> unknown = new ArrayList<>();
  /** More than MAX_UNKNOWN chunks are unknown: the frozen copy's side must be read in full. */
  public boolean sourceUnknown;

  public TableSums() {}

  public TableSums(String table) {
    this.table = table;
  }

  /** Adds one copied chunk: its sums, or the chunk itself as unknown. */
  public void add(ChunkResult r, Chunk chunk) {
    if (r.source != null && r.target != null) {
      source = r.source.plus(source);
      target = r.target.plus(target);
      return;
    }
    if (sourceUnknown) return;
    if (chunk == null || unknown.size() >= MAX_UNKNOWN) {
      sourceUnknown = true;
      unknown.clear();
    } else {
      unknown.add(chunk);
    }
  }

  /** What verify needs: the frozen copy's side and the unknown chunks (the target is read again). */
  public TableSums forVerify() {
    TableSums s = new TableSums(table);
    s.source = source;
    s.unknown = new ArrayList<>(unknown);
    s.sourceUnknown = sourceUnknown;
    return s;
  }
}
