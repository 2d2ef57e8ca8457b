package dev.migrator.mysql;

/** Quoting helpers: identifiers are always back-ticked with embedded back-ticks doubled. */
public final class Sql {
  private Sql() {}

  public static String id(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  public static String table(String schema, String table) {
    return id(schema) + "." + id(table);
  }

  /** A string literal for statements that take no placeholders (never used for secrets in logs). */
  public static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
