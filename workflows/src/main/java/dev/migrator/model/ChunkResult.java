package dev.migrator.model;

/** What copying (or checksumming) one chunk found: rows, bytes and an order-independent checksum. */
public class ChunkResult {
  public TableRef table;
  public int ordinal;
  public long rows;
  /** Approximate payload bytes moved (copy only). */
  public long bytes;
  /** Wall time the copy of this chunk took (copy only; drives the adaptive chunk size). */
  public long millis;
  /** BIT_XOR of per-row hashes (checksum only; see TableChecksummer), hex. */
  public String checksum;
  /**
   * Inline checksums (copy with CopyInput.inlineChecksums >= 1): the chunk's range on the frozen
   * copy and on the target right after its commit; null = unknown (e.g. a chunk skipped on a retry
   * after a crash, or a worker without inline checksums): verify reads it again.
   */
  public ContentSum source;
  public ContentSum target;

  public ChunkResult() {}

  public ChunkResult(TableRef table, int ordinal, long rows, long bytes, String checksum) {
    this.table = table;
    this.ordinal = ordinal;
    this.rows = rows;
    this.bytes = bytes;
    this.checksum = checksum;
  }

  public boolean sameContentAs(ChunkResult o) {
    return o != null && rows == o.rows && java.util.Objects.equals(checksum, o.checksum);
  }

  @Override
  public String toString() {
    return table + "#" + ordinal + " rows=" + rows + " bytes=" + bytes + (checksum == null ? "" : " checksum=" + checksum);
  }
}
