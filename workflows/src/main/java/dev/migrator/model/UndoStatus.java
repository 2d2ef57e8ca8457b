package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The state of one row of the shadow checklist, written by name. */
public enum UndoStatus {
  PENDING("pending"),
  RUNNING("running"),
  DONE("done"),
  FAILED("failed"),
  /** Never to run: the migration completed (the target is the live database); the row says why. */
  RETIRED("retired");

  private final String wire;

  UndoStatus(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static UndoStatus of(String s) {
    for (UndoStatus v : values()) if (v.wire.equals(s)) return v;
    throw new IllegalArgumentException("unknown undo state '" + s + "'");
  }

  @Override
  public String toString() {
    return wire;
  }
}
