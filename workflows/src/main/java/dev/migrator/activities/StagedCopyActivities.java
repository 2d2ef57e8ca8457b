package dev.migrator.activities;

import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.StagedChunk;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * Step 6 through the stage (copy.transport = "staged"): dump on one host, load on another. The
 * workflow runs {@link #dumpChunks} on copy.stage.dumpTaskQueue and {@link #loadChunks} on
 * copy.stage.loadTaskQueue.
 */
@ActivityInterface
public interface StagedCopyActivities {
  /** Failure type of {@link #loadChunks} when a chunk's file is gone: the workflow dumps the batch again. */
  String STAGED_CHUNK_MISSING = "StagedChunkMissing";
  /** Failure type of {@link #loadChunks} when a file does not match its manifest: dumped again too. */
  String STAGED_CHUNK_CORRUPT = "StagedChunkCorrupt";

  /**
   * Dumps these chunks from the frozen copy ({@code in.from}) into the stage, one data file plus one manifest per
   * chunk, each written completely or not at all (temp name + rename, or one S3 PUT). Idempotent:
   * dumping a chunk again replaces its files. Heartbeats the number of chunks dumped.
   */
  List<StagedChunk> dumpChunks(CopyInput in, List<Chunk> chunks);

  /**
   * Loads staged chunks into the target, in order, each in ONE transaction (delete the chunk's key
   * range, LOAD DATA LOCAL INFILE from the file, commit): idempotent like the direct copy. Checks
   * each file against its manifest (SHA-256, rows). Heartbeats the number committed; a retry resumes
   * after it. Deletes the batch's files after the last commit unless copy.stage.keepFiles. A file
   * that is missing fails with type {@link #STAGED_CHUNK_MISSING}.
   */
  List<ChunkResult> loadChunks(CopyInput in, List<StagedChunk> chunks);

  /** Deletes every staged file of this migration (its directory or prefix). Idempotent. */
  void deleteStage(CopyInput in);
}
