package dev.migrator.copy;

import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.TableChecksum;
import dev.migrator.mysql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;

/**
 * Row count plus an order-independent checksum: BIT_XOR of the first 64 bits of each row's SHA-256
 * ({@code SHA2(..., 256)}: MySQL 9.7 has no MD5()/SHA1() (ERROR 1305); SHA2 is on MySQL 5.5+ and
 * every MariaDB, with the same result for the same bytes, so a MariaDB source and a MySQL target
 * compare).
 * Character and binary values are hashed as HEX of their stored bytes (so charset conversions
 * show up), other types as the server's text form. NULL and empty string hash differently.
 * Generated columns are left out: the target recomputes them.
 */
public final class TableChecksummer {
  private TableChecksummer() {}

  /** BIT_XOR is BIGINT UNSIGNED: read as text (getLong throws for values >= 2^63). */
  static String hex(String unsignedDecimal) {
    return new java.math.BigInteger(unsignedDecimal).toString(16);
  }

  public static String rowHashExpression(TableMeta m) {
    String cols = m.writable().stream().map(c -> {
      String col = Sql.id(c.name());
      String v = c.transfer() == Column.Transfer.RAW_TEXT ? c.selectExpression() : "HEX(" + col + ")";
      return "COALESCE(" + v + ", '\\N')";
    }).collect(Collectors.joining(", "));
    return "CAST(CONV(SUBSTRING(SHA2(CONCAT_WS('|', " + cols + "), 256), 1, 16), 16, 10) AS UNSIGNED)";
  }

  /**
   * The inline checksum's per-row hash: CRC32 of the same canonical text as {@link
   * #rowHashExpression} (character and binary values as HEX of their bytes, numbers and temporals
   * as the server's text, FLOAT widened to DOUBLE, NULL as {@code \N}, which no hex digit string
   * nor number can be, joined by '|'). CRC32() is on every MySQL and MariaDB (MySQL 9.7 dropped
   * MD5()/SHA1(), not CRC32()) and costs a fraction of SHA2(); the same SQL expression runs on both
   * sides, so it is the same function by construction.
   */
  public static String crcRowExpression(TableMeta m) {
    String cols = m.writable().stream().map(c -> {
      String col = Sql.id(c.name());
      String v = c.transfer() == Column.Transfer.RAW_TEXT ? c.selectExpression() : "HEX(" + col + ")";
      return "COALESCE(" + v + ", '\\N')";
    }).collect(Collectors.joining(", "));
    return "CRC32(CONCAT_WS('|', " + cols + "))";
  }

  /** COUNT, BIT_XOR and SUM of the row CRCs (SUM as text: DECIMAL, taken mod 2^64). */
  static String crcSelect(TableMeta m) {
    String h = crcRowExpression(m);
    return "SELECT COUNT(*), COALESCE(BIT_XOR(" + h + "), 0), COALESCE(SUM(" + h + "), 0) FROM " + m.qualified();
  }

  static dev.migrator.model.ContentSum readSum(ResultSet rs) throws SQLException {
    rs.next();
    return new dev.migrator.model.ContentSum(rs.getLong(1), new java.math.BigInteger(rs.getString(2)).longValue(),
        new java.math.BigDecimal(rs.getString(3)).toBigInteger().longValue());
  }

  /** The inline checksum of one chunk's key range (the whole table for a whole-table chunk). */
  public static dev.migrator.model.ContentSum crcChunk(Connection c, TableMeta m, Chunk chunk) throws SQLException {
    KeyRange r = KeyRange.of(m, chunk);
    String sql = crcSelect(m) + (chunk.wholeTable ? "" : " WHERE " + r.where);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (!chunk.wholeTable) r.bind(ps, 1);
      try (ResultSet rs = ps.executeQuery()) {
        return readSum(rs);
      }
    }
  }

  /** The inline checksum of a whole table (the combination of all its chunks' sums). */
  public static dev.migrator.model.ContentSum crcTable(Connection c, TableMeta m) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(crcSelect(m))) {
      return readSum(rs);
    }
  }

  public static TableChecksum checksum(Connection c, TableMeta m, String where) throws SQLException {
    String sql = "SELECT COUNT(*), COALESCE(BIT_XOR(" + rowHashExpression(m) + "), 0) FROM " + m.qualified()
        + (where == null ? "" : " WHERE " + where);
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return new TableChecksum(m.ref().qualified(), rs.getLong(1), hex(rs.getString(2)));
    }
  }

  /**
   * Row count and checksum of one chunk's key range (the whole table for a whole-table chunk), so
   * verify can compare source and target chunk by chunk and re-copy only the chunks that differ.
   */
  public static ChunkResult checksumChunk(Connection c, TableMeta m, Chunk chunk) throws SQLException {
    KeyRange r = KeyRange.of(m, chunk);
    String sql = "SELECT COUNT(*), COALESCE(BIT_XOR(" + rowHashExpression(m) + "), 0) FROM " + m.qualified()
        + (chunk.wholeTable ? "" : " WHERE " + r.where);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (!chunk.wholeTable) r.bind(ps, 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new ChunkResult(m.ref(), chunk.ordinal, rs.getLong(1), 0, hex(rs.getString(2)));
      }
    }
  }
}
