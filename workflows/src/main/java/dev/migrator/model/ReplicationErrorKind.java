package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The kinds of replication error the lag poll tells apart (PRODUCT.md section 6, the handbook's
 * troubleshooting section), each with the decisions that fit it.
 */
public enum ReplicationErrorKind {
  /** 1236: the binlog to read from was purged; nothing but a rebuild brings it back. */
  LOG_PURGED("log-purged"),
  /** 1236: a position the source never wrote (after a crash): the next log file is the usual way on. */
  IMPOSSIBLE_POSITION("impossible-position"),
  /** Another 1236 from the source (a fatal error reading its binlog). */
  IO_FATAL("io-fatal"),
  /** 1062: someone wrote to the target. */
  DUPLICATE_KEY("duplicate-key"),
  /** 1032: someone wrote to the target. */
  MISSING_ROW("missing-row"),
  /** 2003/2005/2013 while the IO thread connects: network, security group, source down. */
  CONNECT("connect"),
  /** 1045/1227/1597 for the replication account: its password or grants. */
  ACCESS_DENIED("access-denied"),
  OTHER("other");

  private final String wire;

  ReplicationErrorKind(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** What an operator may decide for this kind: always retry and rollback, and what fits. */
  public List<Decision> decisions() {
    List<Decision> d = new ArrayList<>(List.of(Decision.RETRY));
    switch (this) {
      case DUPLICATE_KEY, MISSING_ROW -> d.addAll(List.of(Decision.SKIP, Decision.REBUILD));
      case IMPOSSIBLE_POSITION -> d.addAll(List.of(Decision.NEXT_LOG, Decision.REBUILD));
      case LOG_PURGED, IO_FATAL, OTHER -> d.add(Decision.REBUILD);
      default -> { } // connect, access-denied: fix the cause, then retry
    }
    d.add(Decision.ROLLBACK);
    return d;
  }

  @JsonCreator
  public static ReplicationErrorKind of(String s) {
    for (ReplicationErrorKind k : values()) if (k.wire.equals(s)) return k;
    return OTHER; // a kind a newer worker knows: the decisions of "other" are always safe
  }

  @Override
  public String toString() {
    return wire;
  }
}
