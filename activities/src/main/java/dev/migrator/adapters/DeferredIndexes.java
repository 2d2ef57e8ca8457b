package dev.migrator.adapters;

import dev.migrator.model.TableRef;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The secondary indexes the schema step left out of a table (copy.deferSecondaryIndexes) that the
 * target does not have yet, as ONE {@code ALTER TABLE ... ADD ..., ADD ...}: idempotent, so the
 * chunked path's table-copy children, the live-consistent copy's readers and the post-load call
 * after verify may each run it.
 */
final class DeferredIndexes {
  private final TableRef table;
  private final List<String> adds;

  private DeferredIndexes(TableRef table, List<String> adds) {
    this.table = table;
    this.adds = adds;
  }

  /** What {@code t} on the target still lacks of the source's definition (read from {@code src}); null if nothing. */
  static DeferredIndexes missing(Connection src, Connection dst, TableRef t) throws SQLException {
    String ddl = Jdbc.firstRow(src, "SHOW CREATE TABLE " + Sql.table(t.schema, t.table)).get("Create Table");
    List<String> deferred = SchemaRewrites.splitSecondaryIndexes(ddl).deferred;
    if (deferred.isEmpty()) return null;
    Set<String> existing = new HashSet<>();
    for (Map<String, String> row : Jdbc.rows(dst, "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS"
        + " WHERE TABLE_SCHEMA = " + Sql.literal(t.schema) + " AND TABLE_NAME = " + Sql.literal(t.table))) {
      existing.add(row.get("INDEX_NAME").toLowerCase(Locale.ROOT));
    }
    List<String> adds = new ArrayList<>();
    for (String def : deferred) {
      String name = SchemaRewrites.indexName(def);
      if (name == null || !existing.contains(name.toLowerCase(Locale.ROOT))) adds.add("ADD " + def);
    }
    return adds.isEmpty() ? null : new DeferredIndexes(t, adds);
  }

  int count() {
    return adds.size();
  }

  /** Builds them (one statement; it commits implicitly). */
  void add(Connection dst) throws SQLException {
    Jdbc.exec(dst, "ALTER TABLE " + Sql.table(table.schema, table.table) + " " + String.join(", ", adds));
  }
}
