package dev.migrator.activities;

import dev.migrator.model.Endpoint;
import dev.migrator.model.SchemaOptions;
import java.util.ArrayList;
import java.util.List;

/** What the schema step reads and writes: where definitions come from, the target, what to create how. */
public class SchemaInput {
  /** The migration's name; with the workflow id it identifies the owner of the schemas created. */
  public String migrationId;
  /** The live source (enabled events are read there: a frozen copy shows them disabled). */
  public Endpoint source;
  /** The server definitions are read from: the frozen copy, or the source for live-consistent. */
  public Endpoint readFrom;
  public Endpoint target;
  public List<String> schemas = new ArrayList<>();
  /** Optional "schema.table" filter; empty = every table. */
  public List<String> tables = new ArrayList<>();
  public SchemaOptions schemaOptions = new SchemaOptions();
  /** Tables without their plain secondary indexes; added after the load. */
  public boolean deferSecondaryIndexes;
}
