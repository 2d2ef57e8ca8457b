package dev.migrator.copy;

import dev.migrator.model.TableRef;
import dev.migrator.mysql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Columns and the chunking key of one table, read from information_schema. */
public record TableMeta(TableRef ref, List<Column> columns, List<String> key, String keyName) {

  public static TableMeta read(Connection c, TableRef t) throws SQLException {
    List<Column> cols = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, EXTRA, IS_NULLABLE FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
      ps.setString(1, t.schema);
      ps.setString(2, t.table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          boolean generated = isGenerated(rs.getString(4));
          cols.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3), generated,
              "YES".equals(rs.getString(5))));
        }
      }
    }
    if (cols.isEmpty()) {
      throw new SQLException("Table '" + t.qualified() + "' doesn't exist", "42S02", 1146);
    }
    // Primary key first; otherwise a unique key whose columns are all NOT NULL.
    List<String> key = new ArrayList<>();
    String keyName = null;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT s.INDEX_NAME, s.COLUMN_NAME, c.IS_NULLABLE FROM information_schema.STATISTICS s"
            + " JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME"
            + " AND c.COLUMN_NAME = s.COLUMN_NAME"
            + " WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.NON_UNIQUE = 0 AND s.SUB_PART IS NULL"
            + " ORDER BY s.INDEX_NAME <> 'PRIMARY', s.INDEX_NAME, s.SEQ_IN_INDEX")) {
      ps.setString(1, t.schema);
      ps.setString(2, t.table);
      try (ResultSet rs = ps.executeQuery()) {
        String current = null;
        List<String> cur = new ArrayList<>();
        boolean ok = true;
        while (rs.next()) {
          String idx = rs.getString(1);
          if (!idx.equals(current)) {
            if (current != null && ok && !cur.isEmpty()) break;
            current = idx;
            cur = new ArrayList<>();
            ok = true;
          }
          cur.add(rs.getString(2));
          if ("YES".equals(rs.getString(3))) ok = false;
        }
        if (current != null && ok && !cur.isEmpty()) {
          key = cur;
          keyName = current;
        }
      }
    }
    return new TableMeta(t, cols, key, keyName);
  }

  /**
   * Whether information_schema.COLUMNS.EXTRA describes a generated column: MariaDB says
   * "VIRTUAL GENERATED", "STORED GENERATED" (older: "VIRTUAL", "PERSISTENT"), MySQL "VIRTUAL
   * GENERATED", "STORED GENERATED". MySQL 8's "DEFAULT_GENERATED" marks a column with an expression
   * DEFAULT (e.g. DEFAULT CURRENT_TIMESTAMP): an ordinary column whose values must be copied.
   */
  static boolean isGenerated(String extra) {
    if (extra == null) return false;
    String e = " " + extra.toUpperCase().replace("DEFAULT_GENERATED", " ") + " ";
    return e.contains(" VIRTUAL GENERATED ") || e.contains(" STORED GENERATED ") || e.contains(" VIRTUAL ")
        || e.contains(" PERSISTENT ") || e.contains(" STORED ");
  }

  /** Columns that are written (generated columns are recomputed by the target). */
  public List<Column> writable() {
    return columns.stream().filter(x -> !x.generated()).collect(Collectors.toList());
  }

  public String qualified() {
    return Sql.table(ref.schema, ref.table);
  }

  /** A column by name (generated ones included), or null. */
  public Column column(String name) {
    for (Column x : columns) if (x.name().equalsIgnoreCase(name)) return x;
    return null;
  }

  /** The key's columns, in index order. */
  public List<Column> keyColumns() {
    return key.stream().map(this::column).collect(Collectors.toList());
  }

  /** The writable columns as read for copying (see {@link Column#selectExpression()}). */
  public String selectList() {
    return writable().stream().map(Column::selectExpression).collect(Collectors.joining(", "));
  }

  public String columnList() {
    return writable().stream().map(x -> Sql.id(x.name())).collect(Collectors.joining(", "));
  }

  public boolean hasKey() {
    return !key.isEmpty();
  }

  public int keyIndex(String name) {
    List<Column> w = writable();
    for (int i = 0; i < w.size(); i++) if (w.get(i).name().equals(name)) return i;
    return -1;
  }
}
