package dev.migrator.copy;

import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.KeyValue;
import dev.migrator.mysql.Sql;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Splits a table into key ranges ({@link Chunk}s) of about {@code rowsPerChunk} rows, where
 * rowsPerChunk = min(chunkRows, chunkBytes / AVG_ROW_LENGTH).
 *
 * <ul>
 *   <li>A single integer key whose values are dense (max - min + 1 at most twice the estimated row
 *       count) is split arithmetically from MIN/MAX: two queries, chunks of roughly equal size.
 *   <li>Any other key (sparse or negative integers with huge gaps, composite, strings in any
 *       collation, binary, temporal) is walked along its index:
 *       {@code SELECT key FROM t WHERE key > :prev ORDER BY key LIMIT 2 OFFSET rowsPerChunk-1}
 *       gives the exact inclusive upper bound of each chunk (the second row only tells whether
 *       another chunk follows, so a table of exactly n * rowsPerChunk rows has n chunks). Boundaries are read from the server and
 *       compared by the server, so collations and PAD SPACE rules apply as in the index.
 *   <li>A table without a primary key or unique NOT NULL key is one whole-table chunk, with a
 *       warning in the plan.
 * </ul>
 * The first chunk has no lower bound and the last no upper bound, so the chunks cover every
 * possible key, including rows inserted after planning.
 */
public final class ChunkPlanner {
  /** Dense enough for arithmetic ranges: key span at most this many times the row estimate. */
  static final int DENSITY_FACTOR = 2;

  private ChunkPlanner() {}

  /** The whole plan of a table (all pages). */
  public static ChunkPlan plan(Connection source, TableMeta meta, long chunkRows, long chunkBytes) throws SQLException {
    return planPage(source, meta, chunkRows, chunkBytes, null, Integer.MAX_VALUE);
  }

  /**
   * At most {@code maxChunks} chunks, continuing after {@code previous} (the last chunk of the
   * previous page; null for the first page). Pages chain into exactly the chunks of a full plan
   * made at the same moment, so a workflow can keep its state bounded by planning page by page
   * (e.g. one page per continue-as-new run). {@link ChunkPlan#complete} is set on the page that
   * holds the last chunk; asking again after that returns an empty, complete page.
   */
  public static ChunkPlan planPage(Connection source, TableMeta meta, long chunkRows, long chunkBytes, Chunk previous,
      int maxChunks) throws SQLException {
    ChunkPlan p = new ChunkPlan();
    p.table = meta.ref();
    long avgRow = 0;
    try (PreparedStatement ps = source.prepareStatement(
        "SELECT TABLE_ROWS, AVG_ROW_LENGTH, DATA_LENGTH FROM information_schema.TABLES"
            + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, meta.ref().schema);
      ps.setString(2, meta.ref().table);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          p.estimatedRows = rs.getLong(1);
          avgRow = rs.getLong(2);
          p.estimatedBytes = rs.getLong(3);
        }
      }
    }
    long rows = chunkRows > 0 ? chunkRows : Long.MAX_VALUE;
    if (chunkBytes > 0 && avgRow > 0) rows = Math.min(rows, Math.max(1, chunkBytes / avgRow));
    p.rowsPerChunk = rows;
    p.firstOrdinal = previous == null ? 0 : previous.ordinal + 1;
    if (previous != null && (previous.upper == null || previous.wholeTable)) {
      p.complete = true; // the previous page ended the plan
      p.method = previous.wholeTable ? "whole-table" : "done";
      return p;
    }
    if (maxChunks < 1) throw new IllegalArgumentException("maxChunks must be at least 1");
    if (!meta.hasKey()) {
      p.method = "whole-table";
      Chunk c = newChunk(p, meta);
      c.wholeTable = true;
      c.estimatedRows = p.estimatedRows;
      p.chunks.add(c);
      p.complete = true;
      p.warnings.add("table " + meta.ref().qualified() + " has no primary key and no unique NOT NULL key:"
          + " copied as one chunk in one transaction (no parallelism within the table; the chunk write"
          + " deletes all rows of the target table first, and a retry copies the whole table again)");
      return p;
    }
    p.index = meta.keyName();
    p.keyColumns = new ArrayList<>(meta.key());
    List<Column> keyCols = meta.keyColumns();
    List<KeyValue> lower = previous == null ? null : previous.upper;
    if (rows == Long.MAX_VALUE) {
      p.method = "index-walk";
      Chunk c = newChunk(p, meta);
      c.lower = lower;
      c.estimatedRows = p.estimatedRows;
      p.chunks.add(c);
      p.complete = true;
      return p;
    }
    if (keyCols.size() == 1 && keyCols.get(0).isInteger() && planIntegerRange(source, meta, p, rows, lower, maxChunks)) {
      return p;
    }
    walk(source, meta, p, rows, lower, maxChunks);
    return p;
  }

  /** Arithmetic split of a dense integer key; false (nothing planned) when the key is sparse. */
  static boolean planIntegerRange(Connection source, TableMeta meta, ChunkPlan p, long rows, List<KeyValue> lower,
      int maxChunks) throws SQLException {
    if (p.estimatedRows <= 0) return false;
    String k = Sql.id(meta.key().get(0));
    BigInteger min;
    BigInteger max;
    try (PreparedStatement ps = source.prepareStatement("SELECT MIN(" + k + "), MAX(" + k + ") FROM " + meta.qualified());
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      if (rs.getString(1) == null) return false; // empty: the walk plans one open chunk
      min = new BigInteger(rs.getString(1));
      max = new BigInteger(rs.getString(2));
    }
    BigInteger span = max.subtract(min).add(BigInteger.ONE);
    BigInteger est = BigInteger.valueOf(p.estimatedRows);
    if (span.compareTo(est.multiply(BigInteger.valueOf(DENSITY_FACTOR))) > 0) return false;
    // step = ceil(rows * span / est), at least 1; boundaries are min - 1 + n * step
    BigInteger step = BigInteger.valueOf(rows).multiply(span).add(est).subtract(BigInteger.ONE).divide(est).max(BigInteger.ONE);
    p.method = "int-range";
    BigInteger upper = min.subtract(BigInteger.ONE).add(step);
    if (lower != null) {
      // the first boundary above the previous page's last one
      BigInteger after = new BigInteger(lower.get(0).value);
      if (after.compareTo(upper) >= 0) {
        BigInteger n = after.subtract(min.subtract(BigInteger.ONE)).divide(step).add(BigInteger.ONE);
        upper = min.subtract(BigInteger.ONE).add(step.multiply(n));
      }
    }
    while (upper.compareTo(max) < 0) {
      if (p.chunks.size() == maxChunks) return true;
      Chunk c = newChunk(p, meta);
      c.lower = lower;
      c.upper = List.of(KeyValue.number(upper.toString()));
      c.estimatedRows = Math.min(rows, p.estimatedRows);
      p.chunks.add(c);
      lower = c.upper;
      upper = upper.add(step);
    }
    if (p.chunks.size() == maxChunks) return true;
    Chunk last = newChunk(p, meta);
    last.lower = lower;
    last.estimatedRows = Math.min(rows, p.estimatedRows);
    p.chunks.add(last);
    p.complete = true;
    return true;
  }

  /** Exact boundaries from the index: every chunk but the last has exactly {@code rows} rows. */
  static void walk(Connection source, TableMeta meta, ChunkPlan p, long rows, List<KeyValue> lower, int maxChunks)
      throws SQLException {
    p.method = "index-walk";
    List<Column> keyCols = meta.keyColumns();
    String select = keyCols.stream().map(Column::keyExpression).collect(Collectors.joining(", "));
    String order = meta.key().stream().map(Sql::id).collect(Collectors.joining(", "));
    String from = " FROM " + meta.qualified() + " FORCE INDEX (" + Sql.id(meta.keyName()) + ")";
    while (p.chunks.size() < maxChunks) {
      Chunk probe = newChunk(p, meta);
      probe.lower = lower;
      KeyRange r = KeyRange.of(meta, probe);
      // the chunk's last row, and whether any row follows it (if none, this chunk is the last)
      String sql = "SELECT " + select + from + " WHERE " + r.where + " ORDER BY " + order
          + " LIMIT 2 OFFSET " + (rows - 1);
      List<KeyValue> upper = null;
      boolean more = false;
      try (PreparedStatement ps = source.prepareStatement(sql)) {
        r.bind(ps, 1);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            upper = new ArrayList<>();
            for (int i = 0; i < keyCols.size(); i++) upper.add(readKey(rs, i + 1, keyCols.get(i)));
            more = rs.next();
          }
        }
      }
      if (upper == null || !more) {
        probe.estimatedRows = upper == null ? count(source, meta, r) : rows;
        p.chunks.add(probe);
        p.complete = true;
        return;
      }
      probe.upper = upper;
      probe.estimatedRows = rows;
      p.chunks.add(probe);
      lower = upper;
    }
  }

  static long count(Connection c, TableMeta meta, KeyRange r) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + meta.qualified() + " WHERE " + r.where)) {
      r.bind(ps, 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static KeyValue readKey(ResultSet rs, int i, Column c) throws SQLException {
    switch (c.keyKind()) {
      case BYTES:
        return KeyValue.bytes(rs.getBytes(i));
      case NUMBER:
        return KeyValue.number(new String(rs.getBytes(i), StandardCharsets.US_ASCII));
      default:
        return KeyValue.text(c.transfer() == Column.Transfer.TEXT ? rs.getString(i)
            : new String(rs.getBytes(i), StandardCharsets.US_ASCII));
    }
  }

  private static Chunk newChunk(ChunkPlan p, TableMeta meta) {
    Chunk c = new Chunk();
    c.table = meta.ref();
    c.ordinal = p.firstOrdinal + p.chunks.size();
    c.index = meta.keyName();
    c.keyColumns = new ArrayList<>(meta.key());
    return c;
  }
}
