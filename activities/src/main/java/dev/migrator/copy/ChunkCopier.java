package dev.migrator.copy;

import dev.migrator.model.KeyValue;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads rows from the source connection and writes them to the target in multi-row batches.
 * Values travel by {@link Column.Transfer}: characters as strings (so the servers convert
 * charsets), binary values as bytes, numbers and temporals as the server's exact text.
 */
public final class ChunkCopier {
  /** Flush a batch at this many bytes, well below any sane max_allowed_packet. */
  static final long BATCH_BYTES = 4L << 20;

  static final int BATCH_ROWS = 1000;

  /** Result of copying one chunk. */
  public record ChunkResult(long rows, long bytes, Object[] lastKey) {}

  private ChunkCopier() {}

  /**
   * Copies the rows of {@code meta} whose key is greater than {@code after} (all rows if null),
   * at most {@code limit} of them in key order (no limit if {@code limit <= 0} or keyless).
   * The caller owns the target transaction. {@code after} is opaque: pass null or a previous
   * result's {@link ChunkResult#lastKey()} (typed {@link KeyValue}s, compared like chunk bounds, so
   * BIGINT keys beyond 2^53 are not compared as doubles and ENUM keys follow their index order).
   */
  public static ChunkResult copy(Connection source, Connection target, TableMeta meta, Object[] after, long limit)
      throws SQLException {
    List<Column> cols = meta.writable();
    List<Column> keyCols = meta.keyColumns();
    List<KeyValue> params = new ArrayList<>();
    String select = selectAfter(meta, after, limit, params);
    String insert = "INSERT INTO " + meta.qualified() + " (" + meta.columnList() + ") VALUES ("
        + cols.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";

    long rows = 0;
    long bytes = 0;
    Object[] last = null;
    try (PreparedStatement sel = source.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY,
            ResultSet.CONCUR_READ_ONLY);
        PreparedStatement ins = target.prepareStatement(insert)) {
      if (!meta.hasKey() || limit <= 0) sel.setFetchSize(Integer.MIN_VALUE); // stream big results
      for (int i = 0; i < params.size(); i++) KeyRange.bind(sel, i + 1, params.get(i));
      int batchRows = 0;
      long batchBytes = 0;
      try (ResultSet rs = sel.executeQuery()) {
        while (rs.next()) {
          for (int i = 0; i < cols.size(); i++) {
            Object v = read(rs, i + 1, cols.get(i));
            bind(ins, i + 1, v);
            batchBytes += size(v);
          }
          ins.addBatch();
          rows++;
          batchRows++;
          if (batchRows >= BATCH_ROWS || batchBytes >= BATCH_BYTES) {
            ins.executeBatch();
            bytes += batchBytes;
            batchRows = 0;
            batchBytes = 0;
          }
          if (!keyCols.isEmpty()) {
            last = new Object[keyCols.size()];
            for (int k = 0; k < keyCols.size(); k++) {
              last[k] = ChunkPlanner.readKey(rs, cols.size() + k + 1, keyCols.get(k));
            }
          }
        }
      }
      if (batchRows > 0) {
        ins.executeBatch();
        bytes += batchBytes;
      }
    }
    return new ChunkResult(rows, bytes, last);
  }

  /**
   * {@link #copy}, but the rows streamed into one {@code LOAD DATA LOCAL INFILE} (the frozen-copy
   * path's fast writer, {@link LoadDataWriter}) instead of batched INSERTs: same rows, same key
   * order, same last key. The source session is switched to UTF-8 results
   * ({@link LoadDataFormat#prepareReadSession}); inside a consistent snapshot that changes nothing
   * it reads.
   */
  public static ChunkResult copyLoadData(Connection source, Connection target, TableMeta meta, Object[] after, long limit)
      throws SQLException {
    List<Column> cols = meta.writable();
    List<Column> keyCols = meta.keyColumns();
    List<KeyValue> params = new ArrayList<>();
    String select = selectAfter(meta, after, limit, params);
    LoadDataFormat.prepareReadSession(source);
    Object[][] last = new Object[1][];
    long[] counts;
    try (PreparedStatement sel = source.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      sel.setFetchSize(Integer.MIN_VALUE); // streamed: LOAD DATA reads while the source sends
      for (int i = 0; i < params.size(); i++) KeyRange.bind(sel, i + 1, params.get(i));
      try (ResultSet rs = sel.executeQuery()) {
        counts = LoadDataWriter.write(rs, target, meta, ChunkWriter.Progress.NONE, keyCols.isEmpty() ? null : row -> {
          Object[] k = new Object[keyCols.size()];
          for (int j = 0; j < keyCols.size(); j++) k[j] = ChunkPlanner.readKey(row, cols.size() + j + 1, keyCols.get(j));
          last[0] = k;
        });
      }
    }
    return new ChunkResult(counts[0], counts[1], last[0]);
  }

  /** The SELECT of {@link #copy}: writable columns, then the key again as boundary values, after {@code after}, key order. */
  private static String selectAfter(TableMeta meta, Object[] after, long limit, List<KeyValue> params) {
    StringBuilder select = new StringBuilder("SELECT ").append(meta.selectList());
    // the key again, as boundary values (ENUM as index, generated key columns included)
    for (Column k : meta.keyColumns()) select.append(", ").append(k.keyExpression());
    select.append(" FROM ").append(meta.qualified());
    if (meta.hasKey()) {
      if (after != null) {
        List<KeyValue> bound = new ArrayList<>();
        for (Object o : after) bound.add((KeyValue) o);
        select.append(" WHERE ").append(KeyRange.compare(meta.key(), bound, true, false, params));
      }
      select.append(" ORDER BY ").append(meta.key().stream().map(dev.migrator.mysql.Sql::id).collect(Collectors.joining(", ")));
      if (limit > 0) select.append(" LIMIT ").append(limit);
    }
    return select.toString();
  }

  static Object read(ResultSet rs, int i, Column c) throws SQLException {
    switch (c.transfer()) {
      case TEXT:
        return rs.getString(i);
      case BYTES:
        return rs.getBytes(i);
      default:
        byte[] raw = rs.getBytes(i);
        return raw == null ? null : new String(raw, StandardCharsets.US_ASCII);
    }
  }

  static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
    if (v == null) {
      ps.setNull(i, java.sql.Types.NULL);
    } else if (v instanceof byte[] b) {
      ps.setBytes(i, b);
    } else {
      ps.setString(i, (String) v);
    }
  }

  static long size(Object v) {
    if (v == null) return 1;
    if (v instanceof byte[] b) return b.length + 4;
    return ((String) v).length() * 2L + 4;
  }

  /**
   * Session settings for loading: no FK or unique checks, no binlog where the account may, and
   * READ COMMITTED so that parallel chunk writers of one table take no gap locks: under REPEATABLE
   * READ the DELETE of one chunk's range locks the gap into the next chunk's range and two writers
   * deadlock (reproduced by ChunkEngineTest.parallelChunkWritersDoNotDeadlock). READ COMMITTED
   * needs row-based binlogging for DML, so it is left alone when this session writes a
   * STATEMENT-format binlog.
   */
  public static void prepareTargetSession(Connection target) throws SQLException {
    try (Statement s = target.createStatement()) {
      s.execute("SET SESSION foreign_key_checks = 0");
      s.execute("SET SESSION unique_checks = 0");
      // Aurora/RDS and accounts without SUPER/BINLOG ADMIN: the load is binlogged, which is only slower.
      dev.migrator.mysql.Session.unlogged(target);
      boolean statementBinlog;
      try (ResultSet rs = s.executeQuery(
          "SELECT @@global.log_bin AND @@session.sql_log_bin AND @@session.binlog_format = 'STATEMENT'")) {
        statementBinlog = rs.next() && rs.getInt(1) == 1;
      }
      if (!statementBinlog) s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }
  }
}
