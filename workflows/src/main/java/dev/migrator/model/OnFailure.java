package dev.migrator.model;

/**
 * The request's {@code onFailure} values. The request keeps the field a string (an unknown value is
 * a field-level validation error, never a failure to decode the workflow's input); code reads it
 * through {@link #of}.
 */
public enum OnFailure {
  PAUSE("pause"),
  ROLLBACK("rollback");

  private final String wire;

  OnFailure(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The value a request names (null = the default, pause); null for an unknown one. */
  public static OnFailure parse(String s) {
    if (s == null) return PAUSE;
    for (OnFailure v : values()) if (v.wire.equals(s)) return v;
    return null;
  }

  /** As {@link #parse}, but an unknown value (refused by validation before any step) reads as the default. */
  public static OnFailure of(String s) {
    OnFailure v = parse(s);
    return v == null ? PAUSE : v;
  }

  @Override
  public String toString() {
    return wire;
  }
}
