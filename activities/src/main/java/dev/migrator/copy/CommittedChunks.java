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
    return alreadyCopied(source, target, chunks, from, metas, found, false);
  }

  /**
   * With {@code inline}, compares by the inline checksums (CRC32, cheaper) and keeps them in the
   * results: a chunk found here has known sums.
   */
  public static int alreadyCopied(Connection source, Connection target, List<Chunk> chunks, int from, Metas metas,
      List<ChunkResult> found, boolean inline) throws SQLException {
    int n = 0;
    for (int i = from; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      TableMeta meta = metas.of(c.table);
      if (inline) {
        dev.migrator.model.ContentSum s = TableChecksummer.crcChunk(source, meta, c);
        dev.migrator.model.ContentSum t = TableChecksummer.crcChunk(target, meta, c);
        if (!s.sameAs(t)) break;
        ChunkResult r = new ChunkResult(c.table, c.ordinal, s.rows, 0, null);
        r.source = s;
        r.target = t;
        found.add(r);
        n++;
        continue;
      }
      ChunkResult s = TableChecksummer.checksumChunk(source, meta, c);
      ChunkResult t = TableChecksummer.checksumChunk(target, meta, c);
      if (!s.sameContentAs(t)) break;
      found.add(new ChunkResult(c.table, c.ordinal, s.rows, 0, null));
      n++;
    }
    return n;
  }

  /**
   * The staged load's version (the loading host may not reach the frozen copy): a staged chunk's
   * range on the target holding as many rows as its dump wrote was loaded by the lost attempt.
   * Sound because the copy owns the target tables (created empty by the schema step; ranges are
   * disjoint and each is only ever filled by its own chunk, in one transaction). Stops at the first
   * chunk whose range differs, like {@link #alreadyCopied}.
   */
  public static int alreadyLoaded(Connection target, List<dev.migrator.model.StagedChunk> chunks, int from,
      Metas metas, List<ChunkResult> found) throws SQLException {
    int n = 0;
    for (int i = from; i < chunks.size(); i++) {
      dev.migrator.model.StagedChunk s = chunks.get(i);
      if (count(target, metas.of(s.chunk.table), s.chunk) != s.rows) break;
      found.add(new ChunkResult(s.chunk.table, s.chunk.ordinal, s.rows, s.bytes, null));
      n++;
    }
    return n;
  }

  static long count(Connection c, TableMeta m, Chunk chunk) throws SQLException {
    KeyRange r = KeyRange.of(m, chunk);
    try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + m.qualified()
        + (chunk.wholeTable ? "" : " WHERE " + r.where))) {
      if (!chunk.wholeTable) r.bind(ps, 1);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
