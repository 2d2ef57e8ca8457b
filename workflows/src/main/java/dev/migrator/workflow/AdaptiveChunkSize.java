package dev.migrator.workflow;

import dev.migrator.model.CopyOptions;

/**
 * copy.targetChunkSeconds: after each page, the next page's rows per chunk are the rows one chunk
 * moved per second on the page just copied, times the target seconds (cashapp/spirit's
 * target-chunk-time), kept within [chunkRows / 10, chunkRows * 10] and changed by at most 4x per
 * page so one slow page (a lock, a checkpoint) does not swing it. Computed from activity results
 * recorded in history, so it replays deterministically; a resumed copy plans its remaining pages
 * from the value carried in the child's input.
 */
final class AdaptiveChunkSize {
  private AdaptiveChunkSize() {}

  /**
   * @param current rows per chunk used for the page just copied (0 = copy.chunkRows)
   * @param rows rows the page's chunks moved
   * @param millis sum of the page's per-chunk wall times
   * @return rows per chunk for the next page (0 = keep copy.chunkRows)
   */
  static long next(CopyOptions copy, long current, long rows, long millis) {
    if (copy.targetChunkSeconds <= 0 || rows <= 0 || millis <= 0) return current;
    long base = copy.chunkRows;
    long now = current > 0 ? current : base;
    double rowsPerSecond = rows * 1000.0 / millis;
    long want = Math.round(rowsPerSecond * copy.targetChunkSeconds);
    want = Math.max(now / 4, Math.min(now * 4, want));
    want = Math.max(Math.max(1, base / 10), Math.min(base * 10, want));
    if (want > 10_000) want = want / 1000 * 1000; // readable numbers in logs and plans
    return want;
  }
}
