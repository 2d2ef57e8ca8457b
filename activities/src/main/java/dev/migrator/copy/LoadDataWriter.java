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
 * transaction, encoded by {@link LoadDataFormat}. The source connection must have been prepared
 * with {@link LoadDataFormat#prepareReadSession} before the chunk's SELECT.
 */
final class LoadDataWriter {
  static final int BUFFER_BYTES = 16 << 20;
  static final int PIPE_BYTES = 4 << 20;

  private LoadDataWriter() {}

  static long[] write(ResultSet rs, Connection target, TableMeta meta, ChunkWriter.Progress progress) throws SQLException {
    List<Column> cols = meta.writable();
    String sql = statement(meta, cols);
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
        long[] rb = new LoadDataFormat(out).encode(rs, cols, BUFFER_BYTES, progress::written);
        counts[0] = rb[0];
        counts[1] = rb[1];
      } catch (Throwable t) {
        readerError[0] = t;
      }
    }, "load-data-reader");
    reader.setDaemon(true);
    try (Statement st = target.createStatement()) {
      JdbcStatement js = st.unwrap(JdbcStatement.class);
      js.setLocalInfileInputStream(in);
      reader.start();
      try {
        st.execute(sql);
      } finally {
        js.setLocalInfileInputStream(null);
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
    }
    if (readerError[0] instanceof SQLException e) throw e;
    if (readerError[0] != null) throw new SQLException("reading the chunk for LOAD DATA failed: " + readerError[0], readerError[0]);
    progress.written(counts[0], counts[1]);
    return counts;
  }

  static String statement(TableMeta meta, List<Column> cols) {
    List<String> targets = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      Column c = cols.get(i);
      if (c.transfer() == Column.Transfer.BYTES) {
        targets.add("@v" + i);
        sets.add(dev.migrator.mysql.Sql.id(c.name()) + " = UNHEX(@v" + i + ")");
      } else {
        targets.add(dev.migrator.mysql.Sql.id(c.name()));
      }
    }
    return "LOAD DATA LOCAL INFILE 'migrator-chunk' INTO TABLE " + meta.qualified()
        + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ENCLOSED BY '' ESCAPED BY '\\\\'"
        + " LINES TERMINATED BY '\\n' STARTING BY '' (" + String.join(", ", targets) + ")"
        + (sets.isEmpty() ? "" : " SET " + String.join(", ", sets));
  }

}
