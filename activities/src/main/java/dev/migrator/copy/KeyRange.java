package dev.migrator.copy;

import dev.migrator.model.Chunk;
import dev.migrator.model.KeyValue;
import dev.migrator.mysql.Sql;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A chunk's key range as a WHERE condition with placeholders. Tuples are compared column by
 * column, expanded to {@code a > ? OR (a = ? AND b > ?)} (which every MySQL/MariaDB range
 * optimizer uses), and the server compares, so string keys follow the column's collation.
 */
public final class KeyRange {
  /** SQL condition, "1=1" for an unbounded chunk. */
  public final String where;
  public final List<KeyValue> params;

  private KeyRange(String where, List<KeyValue> params) {
    this.where = where;
    this.params = params;
  }

  public static KeyRange of(TableMeta meta, Chunk c) {
    List<String> conds = new ArrayList<>();
    List<KeyValue> params = new ArrayList<>();
    List<String> cols = c.keyColumns == null || c.keyColumns.isEmpty() ? meta.key() : c.keyColumns;
    if (!c.wholeTable) {
      if (c.lower != null) conds.add(compare(cols, c.lower, true, c.lowerInclusive, params));
      if (c.upper != null) conds.add(compare(cols, c.upper, false, true, params));
    }
    return new KeyRange(conds.isEmpty() ? "1=1" : String.join(" AND ", conds), params);
  }

  /** Rows after (greater) or up to (less) the tuple {@code vals}. */
  static String compare(List<String> cols, List<KeyValue> vals, boolean greater, boolean inclusive,
      List<KeyValue> params) {
    if (cols.size() != vals.size()) {
      throw new IllegalArgumentException("bound has " + vals.size() + " values for key " + cols);
    }
    String strict = greater ? " > ?" : " < ?";
    String last = inclusive ? (greater ? " >= ?" : " <= ?") : strict;
    List<String> terms = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      StringBuilder t = new StringBuilder("(");
      for (int j = 0; j < i; j++) {
        t.append(Sql.id(cols.get(j))).append(" = ? AND ");
        params.add(vals.get(j));
      }
      t.append(Sql.id(cols.get(i))).append(i == cols.size() - 1 ? last : strict).append(')');
      params.add(vals.get(i));
      terms.add(t.toString());
    }
    return "(" + String.join(" OR ", terms) + ")";
  }

  /** Binds the parameters from index {@code first}; returns the next free index. */
  public int bind(PreparedStatement ps, int first) throws SQLException {
    int i = first;
    for (KeyValue v : params) bind(ps, i++, v);
    return i;
  }

  static void bind(PreparedStatement ps, int i, KeyValue v) throws SQLException {
    switch (v.kind) {
      case NUMBER:
        // an unquoted exact literal: a quoted '18446744073709551615' would compare as a double
        ps.setBigDecimal(i, new BigDecimal(v.value));
        break;
      case BYTES:
        ps.setBytes(i, v.decodedBytes());
        break;
      default:
        ps.setString(i, v.value);
    }
  }

  @Override
  public String toString() {
    return where + " " + params;
  }
}
