package dev.migrator.model;

/**
 * A chunk dumped to the stage: where its data file is, and what the dump wrote. The column list
 * and the data's SHA-256 are in the chunk's manifest next to the data file, not here, so workflow
 * history carries only the chunk's bounds and counters.
 */
public class StagedChunk {
  public Chunk chunk;
  /** The data file's name inside the stage (relative to StageOptions.location). */
  public String file;
  public long rows;
  public long bytes;
  /** Wall time the dump of this chunk took (the adaptive chunk size counts dump + load). */
  public long millis;
  /** Inline checksum of the chunk's range on the frozen copy, taken by the dump; null = unknown. */
  public ContentSum source;

  public StagedChunk() {}

  public StagedChunk(Chunk chunk, String file, long rows, long bytes) {
    this.chunk = chunk;
    this.file = file;
    this.rows = rows;
    this.bytes = bytes;
  }

  @Override
  public String toString() {
    return chunk + " -> " + file + " rows=" + rows + " bytes=" + bytes;
  }
}
