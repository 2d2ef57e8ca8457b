package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A table as schema + name. */
public class TableRef {
  public String schema;
  public String table;

  public TableRef() {}

  public TableRef(String schema, String table) {
    this.schema = schema;
    this.table = table;
  }

  @JsonIgnore
  public String qualified() {
    return schema + "." + table;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableRef t && t.schema.equals(schema) && t.table.equals(table);
  }

  @Override
  public int hashCode() {
    return qualified().hashCode();
  }

  @Override
  public String toString() {
    return qualified();
  }
}
