package dev.migrator.copy;

import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * After a crash: which chunks of a batch the lost attempt committed after its last heartbeat that
 * reached the service (heartbeats are throttled to one per 0.8 x the heartbeat timeout, so a
 * killed worker's last seconds of commits are not in it). A batch commits its chunks in order, so
 * those form a prefix of the rest: each chunk whose range on the target already has exactly the
 * source's rows (count and checksum, {@link TableChecksummer#checksumChunk}) is skipped, up to the
 * first that differs. Only the chunk that was in flight is then copied again. Skipping a matching
 * range is always right, whoever wrote it: copying it would leave the same rows.
 */
public final class CommittedChunks {
  private CommittedChunks() {}

  /** Table metadata, read once per table. */
  @FunctionalInterface
  public interface Metas {
    TableMeta of(TableRef t) throws SQLException;
  }

  /**
   * Checks {@code chunks} from index {@code from} on, in order, and adds a result (rows from the
   * count, no bytes) to {@code found} for each one already on the target, stopping at the first
   * that is not. Returns how many were found.
   */
  public static int alreadyCopied(Connection source, Connection target, List<Chunk> chunks, int from, Metas metas,
      List<ChunkResult> found) throws SQLException {
    int n = 0;
    for (int i = from; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      TableMeta meta = metas.of(c.table);
      ChunkResult s = TableChecksummer.checksumChunk(source, meta, c);
      ChunkResult t = TableChecksummer.checksumChunk(target, meta, c);
      if (!s.sameContentAs(t)) break;
      found.add(new ChunkResult(c.table, c.ordinal, s.rows, 0, null));
      n++;
    }
    return n;
  }
}
