package dev.migrator.copy;

import dev.migrator.mysql.MySqlErrors;
import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.CopyOptions.WriteMethod;
import dev.migrator.mysql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Copies one chunk, idempotently and atomically: in ONE target transaction it deletes the chunk's
 * key range on the target, then inserts the source's rows of that range, then commits. Running a
 * chunk again (after a crash, a retry, or with the target range modified meanwhile) leaves exactly
 * the source's rows for that range; a failure rolls the target back to its state before the chunk.
 *
 * <p>A whole-table chunk (keyless table) deletes every row of the target table first (DELETE, not
 * TRUNCATE: TRUNCATE would commit implicitly and break the single transaction).
 *
 * <p>The source connection is only read; the caller decides its transaction (e.g. one consistent
 * snapshot for all chunks of a live-consistent copy, or autocommit reads of a frozen source). The
 * target connection must not be in a transaction the caller wants to keep: the writer commits.
 */
public final class ChunkWriter {
  private final WriteMethod method;

  public ChunkWriter() {
    this(WriteMethod.INSERT);
  }

  public ChunkWriter(WriteMethod method) {
    if (method == WriteMethod.AUTO) throw new IllegalArgumentException("AUTO is resolved per target: use forTarget");
    this.method = method == null ? WriteMethod.INSERT : method;
  }

  public WriteMethod method() {
    return method;
  }

  /**
   * The writer for {@code asked} on this target: AUTO streams LOAD DATA LOCAL INFILE where the
   * target's local_infile is ON (MariaDB's default; RDS/Aurora parameter groups), else batched
   * INSERT (MySQL 8.0+'s default is OFF, and the statement would fail with ERROR 3948). Left out
   * (null): INSERT, the default before AUTO existed.
   */
  public static ChunkWriter forTarget(WriteMethod asked, Connection target) throws SQLException {
    if (asked != WriteMethod.AUTO) return new ChunkWriter(asked);
    return new ChunkWriter(localInfileAllowed(target) ? WriteMethod.LOAD_DATA : WriteMethod.INSERT);
  }

  static boolean localInfileAllowed(Connection target) throws SQLException {
    try (java.sql.Statement st = target.createStatement(); ResultSet rs = st.executeQuery("SELECT @@GLOBAL.local_infile")) {
      return rs.next() && rs.getInt(1) == 1;
    }
  }

  /** Called after each batch sent to the target with the chunk's running totals (e.g. to heartbeat). */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (rows, bytes) -> { };

    void written(long rows, long bytes);
  }

  public ChunkResult copyChunk(Connection source, Connection target, TableMeta meta, Chunk chunk) throws SQLException {
    return copyChunk(source, target, meta, chunk, Progress.NONE);
  }

  /**
   * Copies {@code chunk} and commits. {@code progress} sees uncommitted running totals: if the
   * chunk fails, none of it is on the target.
   */
  public ChunkResult copyChunk(Connection source, Connection target, TableMeta meta, Chunk chunk, Progress progress)
      throws SQLException {
    if (method == WriteMethod.LOAD_DATA) LoadDataFormat.prepareReadSession(source);
    return inChunkTransaction(target, meta, chunk, () -> {
      long[] rowsBytes = readChunk(source, meta, chunk, rs -> method == WriteMethod.LOAD_DATA
          ? LoadDataWriter.write(rs, target, meta, progress) : insert(rs, target, meta, progress));
      return new ChunkResult(meta.ref(), chunk.ordinal, rowsBytes[0], rowsBytes[1], null);
    });
  }

  /** Reads a chunk's rows from a streamed result set. */
  @FunctionalInterface
  interface Rows<T, E extends Exception> {
    T read(ResultSet rs) throws SQLException, E;
  }

  /**
   * Streams the source's rows of the chunk's key range (in key order; the whole table for a
   * whole-table chunk), read with {@link TableMeta#selectList()}, to {@code rows}.
   */
  static <T, E extends Exception> T readChunk(Connection source, TableMeta meta, Chunk chunk, Rows<T, E> rows)
      throws SQLException, E {
    KeyRange range = KeyRange.of(meta, chunk);
    try (PreparedStatement sel = source.prepareStatement(selectSql(meta, chunk, range),
        ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      sel.setFetchSize(Integer.MIN_VALUE); // stream: a chunk may be bigger than memory
      if (!chunk.wholeTable) range.bind(sel, 1);
      try (ResultSet rs = sel.executeQuery()) {
        return rows.read(rs);
      }
    }
  }

  /** What fills a chunk's key range on the target, inside {@link #inChunkTransaction}. */
  @FunctionalInterface
  interface Fill<T, E extends Exception> {
    T fill() throws SQLException, E;
  }

  /**
   * Runs {@code fill} in ONE target transaction that first deletes the chunk's key range (every
   * row for a whole-table chunk), then commits; on any failure the transaction is rolled back, so
   * the range is as before. A deadlock or lock-wait timeout runs the whole transaction again, so
   * {@code fill} must be repeatable (read its input afresh each time). Used by the direct copy
   * ({@link #copyChunk}) and the staged load ({@link ChunkLoader}).
   */
  static <T, E extends Exception> T inChunkTransaction(Connection target, TableMeta meta, Chunk chunk, Fill<T, E> fill)
      throws SQLException, E {
    for (int attempt = 1; ; attempt++) {
      try {
        return once(target, meta, chunk, fill);
      } catch (SQLException e) {
        // Parallel writers of one table can still deadlock on InnoDB locks at range edges; the
        // whole chunk was rolled back and is idempotent, so it is simply written again.
        if (attempt >= MAX_ATTEMPTS || !isLockConflict(e)) throw e;
        sleepBeforeRetry(attempt);
      }
    }
  }

  static final int MAX_ATTEMPTS = 5;

  /** ER_LOCK_DEADLOCK (1213) and ER_LOCK_WAIT_TIMEOUT (1205): the transaction is rolled back. */
  static boolean isLockConflict(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && (s.getErrorCode() == MySqlErrors.ER_LOCK_DEADLOCK || s.getErrorCode() == MySqlErrors.ER_LOCK_WAIT_TIMEOUT)) return true;
    }
    return false;
  }

  private static void sleepBeforeRetry(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(20, 100) * attempt);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T, E extends Exception> T once(Connection target, TableMeta meta, Chunk chunk, Fill<T, E> fill)
      throws SQLException, E {
    ChunkCopier.prepareTargetSession(target);
    KeyRange range = KeyRange.of(meta, chunk);
    boolean autoCommit = target.getAutoCommit();
    target.setAutoCommit(false);
    try {
      try (PreparedStatement del = target.prepareStatement(
          "DELETE FROM " + meta.qualified() + (chunk.wholeTable ? "" : " WHERE " + range.where))) {
        if (!chunk.wholeTable) range.bind(del, 1);
        del.executeUpdate();
      }
      T result = fill.fill();
      target.commit();
      return result;
    } catch (Exception e) {
      try {
        target.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      try {
        target.setAutoCommit(autoCommit);
      } catch (SQLException ignored) {
        // the connection is broken; the caller will find out
      }
    }
  }

  static String selectSql(TableMeta meta, Chunk chunk, KeyRange range) {
    StringBuilder s = new StringBuilder("SELECT ").append(meta.selectList()).append(" FROM ").append(meta.qualified());
    if (!chunk.wholeTable) {
      s.append(" WHERE ").append(range.where);
      if (meta.hasKey()) s.append(" ORDER BY ").append(meta.key().stream().map(Sql::id).collect(Collectors.joining(", ")));
    }
    return s.toString();
  }

  /** Multi-row batched INSERTs (rewriteBatchedStatements), flushed by rows and bytes. */
  static long[] insert(ResultSet rs, Connection target, TableMeta meta, Progress progress) throws SQLException {
    List<Column> cols = meta.writable();
    String insert = "INSERT INTO " + meta.qualified() + " (" + meta.columnList() + ") VALUES ("
        + cols.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
    long rows = 0;
    long bytes = 0;
    try (PreparedStatement ins = target.prepareStatement(insert)) {
      int batchRows = 0;
      long batchBytes = 0;
      while (rs.next()) {
        for (int i = 0; i < cols.size(); i++) {
          Object v = ChunkCopier.read(rs, i + 1, cols.get(i));
          ChunkCopier.bind(ins, i + 1, v);
          batchBytes += ChunkCopier.size(v);
        }
        ins.addBatch();
        rows++;
        batchRows++;
        if (batchRows >= ChunkCopier.BATCH_ROWS || batchBytes >= ChunkCopier.BATCH_BYTES) {
          ins.executeBatch();
          bytes += batchBytes;
          batchRows = 0;
          batchBytes = 0;
          progress.written(rows, bytes);
        }
      }
      if (batchRows > 0) {
        ins.executeBatch();
        bytes += batchBytes;
        progress.written(rows, bytes);
      }
    }
    return new long[] {rows, bytes};
  }
}
