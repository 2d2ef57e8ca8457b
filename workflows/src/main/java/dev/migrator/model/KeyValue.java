package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Base64;

/**
 * One key column's value at a chunk boundary, in a form that survives JSON exactly.
 * {@link Kind#NUMBER}: the server's decimal text, bound as an exact number (never as a string, so
 * BIGINT UNSIGNED near 2^64 is not compared as a double). {@link Kind#TEXT}: characters, bound as a
 * string and compared by the server in the column's collation (also temporals, as their text).
 * {@link Kind#BYTES}: binary values, base64 in {@link #value}.
 */
public class KeyValue {
  public enum Kind { NUMBER, TEXT, BYTES }

  public Kind kind;
  public String value;

  public KeyValue() {}

  public KeyValue(Kind kind, String value) {
    this.kind = kind;
    this.value = value;
  }

  public static KeyValue number(String decimalText) {
    return new KeyValue(Kind.NUMBER, decimalText);
  }

  public static KeyValue text(String s) {
    return new KeyValue(Kind.TEXT, s);
  }

  public static KeyValue bytes(byte[] b) {
    return new KeyValue(Kind.BYTES, Base64.getEncoder().encodeToString(b));
  }

  /** The raw bytes of a {@link Kind#BYTES} value. */
  @JsonIgnore
  public byte[] decodedBytes() {
    return Base64.getDecoder().decode(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue k && k.kind == kind && java.util.Objects.equals(k.value, value);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(kind, value);
  }

  @Override
  public String toString() {
    return kind == Kind.TEXT ? "'" + value + "'" : kind == Kind.BYTES ? "b64:" + value : value;
  }
}
