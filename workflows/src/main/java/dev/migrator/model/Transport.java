package dev.migrator.model;

/**
 * The request's {@code transport} values. The request keeps the field a string (an unknown value is
 * a field-level validation error, never a failure to decode the workflow's input); code reads it
 * through {@link #of}.
 */
public enum Transport {
  DIRECT("direct"),
  STAGED("staged");

  private final String wire;

  Transport(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The value a request names (null = the default, direct); null for an unknown one. */
  public static Transport parse(String s) {
    if (s == null) return DIRECT;
    for (Transport v : values()) if (v.wire.equals(s)) return v;
    return null;
  }

  /** As {@link #parse}, but an unknown value (refused by validation before any step) reads as the default. */
  public static Transport of(String s) {
    Transport v = parse(s);
    return v == null ? DIRECT : v;
  }

  @Override
  public String toString() {
    return wire;
  }
}
