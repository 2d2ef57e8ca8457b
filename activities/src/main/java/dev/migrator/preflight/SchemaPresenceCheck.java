package dev.migrator.preflight;

import dev.migrator.guard.SchemaOwnership;
import dev.migrator.model.Finding;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every requested schema (and table, when 'tables' is set) exists on the source (else ERROR
 * 1049/1146 later), and no requested schema exists on the target yet: migrator never writes into
 * or overwrites an existing schema, and its rollback only drops schemas it created.
 */
public final class SchemaPresenceCheck implements PreflightCheck {
  @Override
  public String name() {
    return "schemas";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    if (ctx.schemas().isEmpty()) {
      ctx.add("schemas-requested", Finding.BLOCKING, "source", "the request names no schema",
          "list the databases to migrate in 'schemas'");
      return;
    }
    if (ctx.source != null) {
      Set<String> present = schemata(ctx.source);
      List<String> missing = new ArrayList<>();
      for (String s : ctx.schemas()) if (!present.contains(s)) missing.add(s);
      if (!missing.isEmpty()) {
        ctx.add("source-schema-missing", Finding.BLOCKING, "source", ctx.source.where() + ": schema(s) "
                + PreflightContext.list(missing) + " do not exist (ERROR 1049 'Unknown database')",
            "check the names in 'schemas' (SHOW DATABASES on the source), their letter case and that the account"
                + " may see them; names are case-sensitive when lower_case_table_names=0");
      }
      if (ctx.request.tables != null && !ctx.request.tables.isEmpty()) {
        Set<String> tables = new HashSet<>();
        for (Map<String, String> row : ctx.source.rows("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES"
            + " WHERE TABLE_SCHEMA IN (" + ctx.schemaPlaceholders() + ")", ctx.schemaParams())) {
          tables.add(row.get("TABLE_SCHEMA") + "." + row.get("TABLE_NAME"));
        }
        List<String> absent = new ArrayList<>();
        for (String t : ctx.request.tables) if (!tables.contains(t)) absent.add(t);
        if (!absent.isEmpty()) {
          ctx.add("source-table-missing", Finding.BLOCKING, "source", ctx.source.where() + ": table(s) "
                  + PreflightContext.list(absent) + " do not exist (ERROR 1146 'Table doesn't exist')",
              "check the 'schema.table' names in 'tables', their schema in 'schemas', their letter case and"
                  + " lower_case_table_names on both sides");
        }
      }
    }
    if (ctx.target != null) {
      boolean foldCase = !"0".equals(ctx.target.var("lower_case_table_names"));
      Set<String> present = schemata(ctx.target);
      Map<String, SchemaOwnership.Claim> owners = SchemaOwnership.readAll(ctx.target.connection);
      List<String> existing = new ArrayList<>();
      for (String s : ctx.schemas()) {
        boolean there = foldCase ? present.stream().anyMatch(p -> p.equalsIgnoreCase(s)) : present.contains(s);
        if (!there) continue;
        SchemaOwnership.Claim owner = owners.get(s);
        existing.add(owner == null ? s : s + " (belongs to " + owner.describeOwner() + ")");
      }
      if (!existing.isEmpty()) {
        ctx.report.add(new Finding("target-schema-exists", Finding.BLOCKING, "target", ctx.target.where()
                + ": schema(s) " + PreflightContext.list(existing) + " already exist on the target",
            "migrator never writes into, empties or drops a schema it did not create, and this cannot be"
                + " skipped: if it is a leftover of an earlier attempt, check it holds nothing you need and DROP"
                + " DATABASE it on the target (or roll back the migration it belongs to); otherwise migrate into"
                + " another target").protectingData());
      }
      for (String s : ctx.schemas()) {
        if (SchemaOwnership.META_SCHEMA.equalsIgnoreCase(s)) {
          ctx.report.add(new Finding("schemas-reserved", Finding.BLOCKING, "target", "schema " + s
              + " is migrator's own bookkeeping on the target", "leave it out of 'schemas'").protectingData());
        }
      }
    }
  }

  private static Set<String> schemata(Side s) throws SQLException {
    Set<String> out = new HashSet<>();
    for (Map<String, String> row : s.rows("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")) {
      out.add(row.get("SCHEMA_NAME"));
    }
    return out;
  }
}
