package dev.migrator.model;

import java.util.List;

/** How the schema step rewrites objects the target could not take as they are. */
public class SchemaOptions {
  public static final List<String> DEFINER_POLICIES = List.of("strip", "keep", "rewrite");

  /**
   * DEFINER clauses of views, routines, triggers and events: "strip" (the migration account becomes
   * the definer), "keep" (as on the source; needs SUPER/SET_USER_ID on the target, ERROR 1227
   * otherwise), or "rewrite" (DEFINER=CURRENT_USER).
   */
  public String definer = "strip";
}
