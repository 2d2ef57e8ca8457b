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

  private LoadDataWriter() {}

  static long[] write(ResultSet rs, Connection target, TableMeta meta, ChunkWriter.Progress progress) throws SQLException {
    List<Column> cols = meta.writable();
    String sql = statement(meta, cols);
    long rows = 0;
    long bytes = 0;
    ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 16);
    HexFormat hex = HexFormat.of();
    try (Statement st = target.createStatement()) {
      JdbcStatement js = st.unwrap(JdbcStatement.class);
      while (rs.next()) {
        for (int i = 0; i < cols.size(); i++) {
          if (i > 0) buf.write('\t');
          Object v = ChunkCopier.read(rs, i + 1, cols.get(i));
          if (v == null) {
            buf.write('\\');
            buf.write('N');
          } else if (v instanceof byte[] b) {
            buf.writeBytes(hex.formatHex(b).getBytes(StandardCharsets.US_ASCII));
          } else {
            escape((String) v, buf);
          }
        }
        buf.write('\n');
        rows++;
        if (buf.size() >= BUFFER_BYTES) {
          bytes += flush(js, st, sql, buf);
          progress.written(rows, bytes);
        }
      }
      if (buf.size() > 0) {
        bytes += flush(js, st, sql, buf);
        progress.written(rows, bytes);
      }
    }
    return new long[] {rows, bytes};
  }

  private static long flush(JdbcStatement js, Statement st, String sql, ByteArrayOutputStream buf) throws SQLException {
    long n = buf.size();
    js.setLocalInfileInputStream(new ByteArrayInputStream(buf.toByteArray()));
    try {
      st.execute(sql);
    } finally {
      js.setLocalInfileInputStream(null);
    }
    buf.reset();
    return n;
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
