package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/** What the schema step created on the target; its compensation drops exactly these. */
public class SchemaResult {
  /** Schemas this migration created (never pre-existing ones). */
  public List<String> createdSchemas = new ArrayList<>();
  /** Tables to copy, in a stable order. */
  public List<TableRef> tables = new ArrayList<>();
  /** Compatibility rewrites and other remarks. */
  public List<String> notes = new ArrayList<>();
  /**
   * Events ENABLED on the live source when the schema was created ("schema.event"): created
   * DISABLED on the target, enabled there by the cutover (and disabled on the source).
   */
  public List<String> enabledEvents = new ArrayList<>();
}
