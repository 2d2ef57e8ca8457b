package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What an operator may decide when a migration pauses on an error ({@code migrator decide}, the
 * {@code decide} signal): which ones are offered depends on the error (see
 * {@link ReplicationErrorKind#decisions()} and the step runner).
 */
public enum Decision {
  RETRY("retry"),
  /** Only where skipping cannot lose data (a step), or one event after 1062/1032 (replication). */
  SKIP("skip"),
  /** 1236 impossible position: replicate from the next binlog file. */
  NEXT_LOG("next-log"),
  /** Undo replicate, copy and schema and run them again from a new frozen copy. */
  REBUILD("rebuild"),
  /** The source moved after read-only: end the sessions that can write through it, then cut over again. */
  KILL_AND_RETRY("kill-and-retry"),
  ROLLBACK("rollback");

  private final String wire;

  Decision(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static Decision of(String s) {
    Decision d = parse(s);
    if (d == null) throw new IllegalArgumentException("unknown decision '" + s + "'");
    return d;
  }

  /** The decision an operator typed ("Retry ", "next-log"), or null when it is none. */
  public static Decision parse(String s) {
    if (s == null) return null;
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    for (Decision d : values()) if (d.wire.equals(t)) return d;
    return null;
  }

  /** The decisions as they are typed ("retry", "next-log"), in order. */
  public static java.util.List<String> wires(java.util.Collection<Decision> decisions) {
    return decisions.stream().map(Decision::wire).toList();
  }

  @Override
  public String toString() {
    return wire;
  }
}
