package dev.migrator.copy;

import com.mysql.cj.jdbc.JdbcStatement;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The fast path: rows streamed into {@code LOAD DATA LOCAL INFILE} from memory (mysql-connector-j's
 * {@link JdbcStatement#setLocalInfileInputStream}), one statement per {@link #BUFFER_BYTES} of rows,
 * all in the caller's transaction. Format: tab-separated, backslash-escaped, UTF-8, {@code \N} for
 * NULL. Binary values (BLOB, BINARY, BIT, spatial) travel as hex and are decoded by UNHEX() on the
 * server, so no byte is ever reinterpreted in a character set; numbers and temporals travel as the
 * source server's text like the INSERT path.
 */
final class LoadDataWriter {
  static final int BUFFER_BYTES = 16 << 20;
  static final int PIPE_BYTES = 4 << 20;

  private LoadDataWriter() {}

  static long[] write(ResultSet rs, Connection target, TableMeta meta, ChunkWriter.Progress progress) throws SQLException {
    List<Column> cols = meta.writable();
    String sql = statement(meta.qualified(), Field.of(cols));
    // One LOAD DATA per chunk, fed through a pipe by a reader thread: the source is read while the
    // target loads, instead of one after the other.
    java.io.PipedInputStream in = new java.io.PipedInputStream(PIPE_BYTES);
    java.io.PipedOutputStream out;
    try {
      out = new java.io.PipedOutputStream(in);
    } catch (java.io.IOException e) {
      throw new SQLException("cannot open the load pipe", e);
    }
    long[] counts = new long[2];
    Throwable[] readerError = new Throwable[1];
    Thread reader = new Thread(() -> {
      try (java.io.BufferedOutputStream o = new java.io.BufferedOutputStream(out, 1 << 16)) {
        long[] written = writeRows(rs, cols, o, progress);
        counts[0] = written[0];
        counts[1] = written[1];
      } catch (Throwable t) {
        readerError[0] = t;
      }
    }, "load-data-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      load(target, sql, in);
    } finally {
      try {
        in.close(); // unblocks the reader if the load stopped early
      } catch (java.io.IOException ignored) {
        // closing
      }
      try {
        reader.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (readerError[0] instanceof SQLException e) throw e;
    if (readerError[0] != null) throw new SQLException("reading the chunk for LOAD DATA failed: " + readerError[0], readerError[0]);
    progress.written(counts[0], counts[1]);
    return counts;
  }

  /**
   * Runs one {@code LOAD DATA LOCAL INFILE} statement fed from {@code in} (read to its end by the
   * driver, in this thread) in the caller's transaction; returns the rows the server loaded.
   */
  static long load(Connection target, String sql, java.io.InputStream in) throws SQLException {
    try (Statement st = target.createStatement()) {
      JdbcStatement js = st.unwrap(JdbcStatement.class);
      js.setLocalInfileInputStream(in);
      try {
        return st.executeLargeUpdate(sql);
      } finally {
        js.setLocalInfileInputStream(null);
      }
    }
  }

  /**
   * Encodes every remaining row of {@code rs} with {@link #writeRow} to {@code out}, reporting the
   * running totals every {@link #BUFFER_BYTES}; returns {rows, bytes}.
   */
  static long[] writeRows(ResultSet rs, List<Column> cols, java.io.OutputStream out, ChunkWriter.Progress progress)
      throws SQLException, java.io.IOException {
    ByteArrayOutputStream row = new ByteArrayOutputStream(1 << 12);
    long rows = 0;
    long bytes = 0;
    long lastReport = 0;
    while (rs.next()) {
      row.reset();
      writeRow(rs, cols, row);
      row.writeTo(out);
      rows++;
      bytes += row.size();
      if (bytes - lastReport >= BUFFER_BYTES) {
        lastReport = bytes;
        progress.written(rows, bytes);
      }
    }
    return new long[] {rows, bytes};
  }

  /**
   * Encodes the current row of {@code rs} (read with {@link TableMeta#selectList()} for {@code
   * cols}) as one line: tab-separated fields, {@code \N} for NULL, newline at the end.
   */
  static void writeRow(ResultSet rs, List<Column> cols, ByteArrayOutputStream row) throws SQLException {
    for (int i = 0; i < cols.size(); i++) {
      if (i > 0) row.write('\t');
      // Numbers and temporals as the ASCII bytes the server sent; characters decoded from their
      // column charset and sent as UTF-8 (Connector/J receives them unconverted); binary values
      // as hex.
      Column.Transfer t = cols.get(i).transfer();
      if (t == Column.Transfer.TEXT) {
        String v = rs.getString(i + 1);
        if (v == null) {
          row.write('\\');
          row.write('N');
        } else {
          escape(v, row);
        }
        continue;
      }
      byte[] v = rs.getBytes(i + 1);
      if (v == null) {
        row.write('\\');
        row.write('N');
      } else if (t == Column.Transfer.BYTES) {
        writeHex(v, row);
      } else {
        escape(v, row);
      }
    }
    row.write('\n');
  }

  /** A column of the data: its name, and whether its values travel as hex (decoded by UNHEX). */
  record Field(String name, boolean hex) {
    static List<Field> of(List<Column> cols) {
      List<Field> out = new ArrayList<>();
      for (Column c : cols) out.add(new Field(c.name(), c.transfer() == Column.Transfer.BYTES));
      return out;
    }
  }

  /** The LOAD DATA statement for data encoded by {@link #writeRow} with these fields, in order. */
  static String statement(String qualifiedTable, List<Field> fields) {
    List<String> targets = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      if (f.hex()) {
        targets.add("@v" + i);
        sets.add(dev.migrator.mysql.Sql.id(f.name()) + " = UNHEX(@v" + i + ")");
      } else {
        targets.add(dev.migrator.mysql.Sql.id(f.name()));
      }
    }
    return "LOAD DATA LOCAL INFILE 'migrator-chunk' INTO TABLE " + qualifiedTable
        + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ENCLOSED BY '' ESCAPED BY '\\\\'"
        + " LINES TERMINATED BY '\\n' STARTING BY '' (" + String.join(", ", targets) + ")"
        + (sets.isEmpty() ? "" : " SET " + String.join(", ", sets));
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  static void writeHex(byte[] b, ByteArrayOutputStream out) {
    for (byte x : b) {
      out.write(HEX[(x >> 4) & 0xF]);
      out.write(HEX[x & 0xF]);
    }
  }

  /**
   * UTF-8 bytes with the bytes LOAD DATA treats specially escaped. Safe byte by byte: in UTF-8 no
   * byte of a multi-byte character is below 0x80.
   */
  static void escape(byte[] b, ByteArrayOutputStream out) {
    for (byte x : b) {
      switch (x) {
        case '\\': out.write('\\'); out.write('\\'); break;
        case '\t': out.write('\\'); out.write('t'); break;
        case '\n': out.write('\\'); out.write('n'); break;
        case '\r': out.write('\\'); out.write('r'); break;
        case 0: out.write('\\'); out.write('0'); break;
        default: out.write(x);
      }
    }
  }

  /** UTF-8 with the characters LOAD DATA treats specially escaped. */
  static void escape(String s, ByteArrayOutputStream out) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\': b.append("\\\\"); break;
        case '\t': b.append("\\t"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\0': b.append("\\0"); break;
        default: b.append(ch);
      }
    }
    out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
  }
}
