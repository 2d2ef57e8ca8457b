package dev.migrator.copy;

import com.mysql.cj.jdbc.JdbcStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The fast path: rows streamed into ONE {@code LOAD DATA LOCAL INFILE} per chunk from memory
 * (mysql-connector-j's {@link JdbcStatement#setLocalInfileInputStream}), in the caller's
 * transaction, encoded by {@link LoadDataFormat} (the format is described there). The source
 * session must have been prepared with {@link LoadDataFormat#prepareReadSession}.
 */
final class LoadDataWriter {
  static final int BUFFER_BYTES = 16 << 20;
  static final int PIPE_BYTES = 4 << 20;

  private LoadDataWriter() {}

  static long[] write(ResultSet rs, Connection target, TableMeta meta, ChunkWriter.Progress progress) throws SQLException {
    return write(rs, target, meta, progress, null);
  }

  /** {@link #write(ResultSet, Connection, TableMeta, ChunkWriter.Progress)}, with a hook on every row read (in the reader thread). */
  static long[] write(ResultSet rs, Connection target, TableMeta meta, ChunkWriter.Progress progress,
      LoadDataFormat.RowHook hook) throws SQLException {
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
      try (out) {
        long[] written = new LoadDataFormat(out).encode(rs, cols, BUFFER_BYTES, progress::written, hook);
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
   * Encodes every remaining row of {@code rs} with {@link LoadDataFormat} to {@code out}, reporting
   * the running totals every {@link #BUFFER_BYTES}; returns {rows, bytes}. The read session must be
   * prepared with {@link LoadDataFormat#prepareReadSession} before the SELECT.
   */
  static long[] writeRows(ResultSet rs, List<Column> cols, java.io.OutputStream out, ChunkWriter.Progress progress)
      throws SQLException, java.io.IOException {
    return new LoadDataFormat(out).encode(rs, cols, BUFFER_BYTES, progress::written);
  }

  /** A column of the data: its name, and whether its values travel as hex (decoded by UNHEX). */
  record Field(String name, boolean hex) {
    static List<Field> of(List<Column> cols) {
      List<Field> out = new ArrayList<>();
      for (Column c : cols) out.add(new Field(c.name(), c.transfer() == Column.Transfer.BYTES));
      return out;
    }
  }

  /** The LOAD DATA statement for data encoded by {@link LoadDataFormat} with these fields, in order. */
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

}
