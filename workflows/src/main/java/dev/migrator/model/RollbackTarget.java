package dev.migrator.model;

/**
 * The request's {@code rollbackTarget} values. The request keeps the field a string (an unknown value is
 * a field-level validation error, never a failure to decode the workflow's input); code reads it
 * through {@link #of}.
 */
public enum RollbackTarget {
  DROP("drop"),
  KEEP("keep");

  private final String wire;

  RollbackTarget(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The value a request names (null = the default, drop); null for an unknown one. */
  public static RollbackTarget parse(String s) {
    if (s == null) return DROP;
    for (RollbackTarget v : values()) if (v.wire.equals(s)) return v;
    return null;
  }

  /** As {@link #parse}, but an unknown value (refused by validation before any step) reads as the default. */
  public static RollbackTarget of(String s) {
    RollbackTarget v = parse(s);
    return v == null ? DROP : v;
  }

  @Override
  public String toString() {
    return wire;
  }
}
