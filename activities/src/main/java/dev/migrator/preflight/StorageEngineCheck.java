package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Tables in engines other than InnoDB. Aurora MySQL has InnoDB only for permanent tables (no
 * MyISAM, ARCHIVE, ...): blocking for an aurora-mysql target, and blocking for any target that
 * lacks the engine (migrator creates tables with NO_ENGINE_SUBSTITUTION). Elsewhere a warning:
 * non-transactional tables are not consistent in a live snapshot and are not crash-safe.
 */
public final class StorageEngineCheck implements PreflightCheck {
  @Override
  public String name() {
    return "storage engines";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    if (ctx.source == null) return;
    List<String> others = new ArrayList<>();
    Set<String> engines = new HashSet<>();
    for (Map<String, String> row : ctx.source.rows("SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE FROM information_schema.TABLES"
        + " WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA IN (" + ctx.schemaPlaceholders() + ")"
        + " ORDER BY TABLE_SCHEMA, TABLE_NAME", ctx.schemaParams())) {
      String engine = row.get("ENGINE");
      if (engine == null || engine.equalsIgnoreCase("InnoDB")) continue;
      if (!ctx.wanted(row.get("TABLE_SCHEMA"), row.get("TABLE_NAME"))) continue;
      others.add(row.get("TABLE_SCHEMA") + "." + row.get("TABLE_NAME") + " (" + engine + ")");
      engines.add(engine.toUpperCase(Locale.ROOT));
    }
    if (others.isEmpty()) return;
    Set<String> unsupported = new HashSet<>();
    if (ctx.target != null) {
      Set<String> available = new HashSet<>();
      for (Map<String, String> row : ctx.target.rows("SELECT ENGINE FROM information_schema.ENGINES"
          + " WHERE SUPPORT IN ('YES', 'DEFAULT')")) {
        available.add(row.get("ENGINE").toUpperCase(Locale.ROOT));
      }
      for (String e : engines) if (!available.contains(e)) unsupported.add(e);
    }
    boolean aurora = ctx.request.target != null && "aurora-mysql".equals(ctx.request.target.flavor);
    boolean blocking = aurora || !unsupported.isEmpty();
    String evidence = ctx.source.where() + ": " + others.size() + " table(s) not in InnoDB: " + PreflightContext.list(others)
        + (aurora ? "; Aurora MySQL stores permanent tables in InnoDB only"
            : !unsupported.isEmpty() ? "; the target lacks engine(s) " + String.join(", ", unsupported) : "");
    ctx.add("storage-engine", blocking ? Finding.BLOCKING : Finding.WARNING, "source", evidence,
        "convert them on the source before migrating: ALTER TABLE `schema`.`table` ENGINE=InnoDB (check FULLTEXT"
            + " and spatial indexes and AUTO_INCREMENT on secondary key columns first)"
            + (blocking ? "" : "; otherwise their copy is not consistent with the rest of a live snapshot"));
  }
}
