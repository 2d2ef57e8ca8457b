package dev.migrator.model;

/** Copy progress of one table. */
public class TableProgress {
  public String table;
  public long chunksDone;
  public long chunksTotal;
  public long rows;
  public long bytes;
  public boolean done;
  /**
   * Inline checksums of the chunks copied with known sums, combined (frozen copy, and target at
   * commit time); null when the copy ran without inline checksums.
   */
  public ContentSum source;
  public ContentSum target;
  /** Chunks whose inline sums are unknown (at most {@link #MAX_UNKNOWN}); verify reads them again. */
  public java.util.List<Chunk> unknown;
  /** More than MAX_UNKNOWN chunks are unknown: verify reads the whole table on the frozen copy. */
  public boolean sourceUnknown;

  public static final int MAX_UNKNOWN = 100;

  /** Adds one chunk's inline sums (or records it as unknown). */
  public void addInline(ChunkResult r, Chunk chunk) {
    if (r.source != null && r.target != null) {
      source = r.source.plus(source);
      target = r.target.plus(target);
      return;
    }
    if (sourceUnknown) return;
    if (unknown == null) unknown = new java.util.ArrayList<>();
    if (unknown.size() >= MAX_UNKNOWN || chunk == null) {
      sourceUnknown = true;
      unknown = null;
    } else {
      unknown.add(chunk);
    }
  }

  public TableProgress() {}

  public TableProgress(String table) {
    this.table = table;
  }
}
