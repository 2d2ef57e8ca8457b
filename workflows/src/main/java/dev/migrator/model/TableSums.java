package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * A table's inline checksums on the frozen copy, combined from its chunks' (see {@link
 * ContentSum}), and the chunks whose sums are unknown (a chunk skipped on a retry after a crash
 * between its commit and its checksums, or copied by a worker without inline checksums), which
 * verify reads again on the frozen copy. Compact in JSON: one travels per table to the migration
 * and into verify's input.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public class TableSums {
  /** Most unknown chunks listed; beyond, verify reads the whole table on the frozen copy. */
  public static final int MAX_UNKNOWN = 100;

  /** Sum of the chunks with known sums; null = none known yet. */
  public ContentSum source;
  /** Chunks whose sums are unknown (at most MAX_UNKNOWN). */
  public List<Chunk> unknown = new ArrayList<>();
  /** More than MAX_UNKNOWN chunks are unknown: the frozen copy's side must be read in full. */
  public boolean sourceUnknown;

  public TableSums() {}

  /**
   * Adds one copied chunk: its frozen copy's sum, or the chunk itself as unknown. Returns false
   * when the target's sum right after the commit differed from the frozen copy's (verify will
   * find it too, reading the target again).
   */
  public boolean add(ChunkResult r, Chunk chunk) {
    if (r.source != null && r.target != null) {
      source = r.source.plus(source);
      return r.source.sameAs(r.target);
    }
    if (sourceUnknown) return true;
    if (chunk == null || unknown.size() >= MAX_UNKNOWN) {
      sourceUnknown = true;
      unknown.clear();
    } else {
      unknown.add(chunk);
    }
    return true;
  }
}
