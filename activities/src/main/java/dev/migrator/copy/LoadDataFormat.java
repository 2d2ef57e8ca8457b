package dev.migrator.copy;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The text format rows travel in to {@code LOAD DATA LOCAL INFILE}: tab-separated fields,
 * newline-terminated rows, backslash escapes for the bytes LOAD DATA treats specially, {@code \N}
 * for NULL, UTF-8 characters, binary values (BLOB, BINARY, BIT, spatial) as hex for UNHEX() on the
 * server so no byte is ever reinterpreted in a character set; numbers and temporals as the source
 * server's own text. The matching statement is {@link LoadDataWriter#statement}.
 *
 * <p>Encoded byte by byte into one reused buffer, from {@code getBytes}: the read session is put
 * in {@code character_set_results = utf8mb4} ({@link #prepareReadSession}) so character columns
 * arrive as UTF-8 already, and nothing is decoded into Java strings and encoded back (that round
 * trip was most of the worker's CPU per row). Escaping byte by byte is safe in UTF-8: no byte of a
 * multi-byte character is below 0x80.
 */
public final class LoadDataFormat {
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final OutputStream out;
  private final byte[] buf;
  private int pos;
  private long written;

  public LoadDataFormat(OutputStream out) {
    this(out, 1 << 16);
  }

  LoadDataFormat(OutputStream out, int bufferBytes) {
    this.out = out;
    this.buf = new byte[bufferBytes];
  }

  /** Character columns are read as UTF-8 bytes on this session (see the class comment). */
  public static void prepareReadSession(Connection source) throws SQLException {
    try (Statement s = source.createStatement()) {
      s.execute("SET SESSION character_set_results = utf8mb4");
    }
  }

  /** Called with running totals every {@code everyBytes} or so. */
  @FunctionalInterface
  public interface Progress {
    void written(long rows, long bytes);
  }

  /**
   * Encodes every remaining row of {@code rs} (whose columns are {@code cols}, in order) and
   * flushes. Returns {rows, bytes}.
   */
  public long[] encode(ResultSet rs, List<Column> cols, long everyBytes, Progress progress) throws SQLException, IOException {
    return encode(rs, cols, everyBytes, progress, null);
  }

  /** Seen after each row is encoded, on the same result set row (e.g. to read its key). */
  @FunctionalInterface
  public interface RowHook {
    void row(ResultSet rs) throws SQLException;
  }

  /** {@link #encode(ResultSet, List, long, Progress)}, calling {@code hook} (if not null) on every row. */
  public long[] encode(ResultSet rs, List<Column> cols, long everyBytes, Progress progress, RowHook hook)
      throws SQLException, IOException {
    int n = cols.size();
    boolean[] hex = new boolean[n];
    for (int i = 0; i < n; i++) hex[i] = cols.get(i).transfer() == Column.Transfer.BYTES;
    long rows = 0;
    long lastReport = 0;
    while (rs.next()) {
      for (int i = 0; i < n; i++) {
        if (i > 0) put((byte) '\t');
        byte[] v = rs.getBytes(i + 1);
        if (v == null) {
          put((byte) '\\');
          put((byte) 'N');
        } else if (hex[i]) {
          hex(v);
        } else {
          escaped(v);
        }
      }
      put((byte) '\n');
      if (hook != null) hook.row(rs);
      rows++;
      if (progress != null && written + pos - lastReport >= everyBytes) {
        lastReport = written + pos;
        progress.written(rows, lastReport);
      }
    }
    flush();
    return new long[] {rows, written};
  }

  private void put(byte b) throws IOException {
    if (pos == buf.length) drain();
    buf[pos++] = b;
  }

  private void hex(byte[] v) throws IOException {
    for (byte x : v) {
      if (buf.length - pos < 2) drain();
      buf[pos++] = HEX[(x >> 4) & 0xF];
      buf[pos++] = HEX[x & 0xF];
    }
  }

  /** The bytes LOAD DATA treats specially (with their escape letter); every other byte is copied as is. */
  private static final byte[] ESCAPE = new byte[256];

  static {
    ESCAPE['\\'] = '\\';
    ESCAPE['\t'] = 't';
    ESCAPE['\n'] = 'n';
    ESCAPE['\r'] = 'r';
    ESCAPE[0] = '0';
  }

  /** Runs of plain bytes are copied at once (most values have no special byte: the worker's hottest loop). */
  void escaped(byte[] v) throws IOException {
    int start = 0;
    for (int i = 0; i < v.length; i++) {
      byte e = ESCAPE[v[i] & 0xFF];
      if (e != 0) {
        copy(v, start, i - start);
        if (buf.length - pos < 2) drain();
        buf[pos++] = '\\';
        buf[pos++] = e;
        start = i + 1;
      }
    }
    copy(v, start, v.length - start);
  }

  private void copy(byte[] v, int from, int len) throws IOException {
    while (len > 0) {
      if (pos == buf.length) drain();
      int n = Math.min(len, buf.length - pos);
      System.arraycopy(v, from, buf, pos, n);
      pos += n;
      from += n;
      len -= n;
    }
  }

  private void drain() throws IOException {
    out.write(buf, 0, pos);
    written += pos;
    pos = 0;
  }

  public void flush() throws IOException {
    drain();
    out.flush();
  }
}
