package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * lower_case_table_names must match: with 0 on one side and 1 on the other, names with capitals
 * change case on the way, and replication and the application hit ERROR 1049/1146. Blocking when
 * the migrated names have capitals; a warning when they have none (harmless today, a trap later).
 */
public final class LowerCaseTableNamesCheck implements PreflightCheck {
  @Override
  public String name() {
    return "lower_case_table_names";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    if (ctx.source == null || ctx.target == null) return;
    String a = ctx.source.var("lower_case_table_names");
    String b = ctx.target.var("lower_case_table_names");
    if (a == null || b == null || a.equals(b)) return;
    List<String> mixed = new ArrayList<>();
    for (String s : ctx.schemas()) if (!s.equals(s.toLowerCase())) mixed.add(s);
    for (Map<String, String> row : ctx.source.rows("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES"
        + " WHERE TABLE_SCHEMA IN (" + ctx.schemaPlaceholders() + ") AND BINARY TABLE_NAME <> BINARY LOWER(TABLE_NAME)",
        ctx.schemaParams())) {
      mixed.add(row.get("TABLE_SCHEMA") + "." + row.get("TABLE_NAME"));
    }
    ctx.add("lower-case-table-names", mixed.isEmpty() ? Finding.WARNING : Finding.BLOCKING, "target",
        "lower_case_table_names is " + a + " on the source and " + b + " on the target"
            + (mixed.isEmpty() ? " (no migrated name has capitals today)"
                : "; names with capitals: " + PreflightContext.list(mixed)),
        "use the same value on both sides; it can only be set when a server is initialized (for Aurora/RDS at"
            + " cluster/instance creation, in the parameter group), so usually the target is recreated");
  }
}
