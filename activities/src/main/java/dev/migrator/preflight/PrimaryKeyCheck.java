package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Base tables without a primary key: the copy cannot chunk them (each is copied whole, in one
 * transaction) and row-based replication finds each changed row with a full table scan on the
 * target, so the target may never catch up on a busy table.
 */
public final class PrimaryKeyCheck implements PreflightCheck {
  @Override
  public String name() {
    return "primary keys";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    if (ctx.source == null) return;
    List<String> keyless = new ArrayList<>();
    for (Map<String, String> row : ctx.source.rows("SELECT t.TABLE_SCHEMA, t.TABLE_NAME FROM information_schema.TABLES t"
        + " WHERE t.TABLE_TYPE = 'BASE TABLE' AND t.TABLE_SCHEMA IN (" + ctx.schemaPlaceholders() + ")"
        // STATISTICS, not TABLE_CONSTRAINTS: MariaDB hides the latter from accounts with only SELECT.
        + " AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = t.TABLE_SCHEMA"
        + " AND s.TABLE_NAME = t.TABLE_NAME AND s.INDEX_NAME = 'PRIMARY')"
        + " ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME", ctx.schemaParams())) {
      if (ctx.wanted(row.get("TABLE_SCHEMA"), row.get("TABLE_NAME"))) {
        keyless.add(row.get("TABLE_SCHEMA") + "." + row.get("TABLE_NAME"));
      }
    }
    if (keyless.isEmpty()) return;
    ctx.add("no-primary-key", Finding.WARNING, "source", ctx.source.where() + ": " + keyless.size()
            + " table(s) without a primary key: " + PreflightContext.list(keyless),
        "add a primary key before migrating where you can (e.g. ALTER TABLE ... ADD COLUMN id BIGINT"
            + " AUTO_INCREMENT PRIMARY KEY, if the application tolerates it); otherwise each such table is copied"
            + " whole in one transaction and replication of its changes is slow (a table scan per changed row)");
  }
}
