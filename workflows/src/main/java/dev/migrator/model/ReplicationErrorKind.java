package dev.migrator.model;

import java.util.List;

/**
 * The kinds of replication error the activities classify a replica's last error into
 * ({@code LagReading.errorKind}), and the workflow offers decisions for: one list both modules
 * compile against instead of strings that must match.
 */
public final class ReplicationErrorKind {
  /** ERROR 1236: the source purged the binlog the replica needs (rebuild). */
  public static final String LOG_PURGED = "log-purged";
  /** ERROR 1236: a position past the end of the source's binlog, typically after a crash (next-log). */
  public static final String IMPOSSIBLE_POSITION = "impossible-position";
  /** Other ERROR 1236 from the source. */
  public static final String IO_FATAL = "io-fatal";
  /** ERROR 1062 on the replica (skip or rebuild). */
  public static final String DUPLICATE_KEY = "duplicate-key";
  /** ERROR 1032 on the replica (skip or rebuild). */
  public static final String MISSING_ROW = "missing-row";
  /** ERROR 2003/2005 connecting to the source: transient, the IO thread retries. */
  public static final String CONNECT = "connect";
  /** ERROR 1045: the replication account's password or host. */
  public static final String ACCESS_DENIED = "access-denied";
  /** Anything else (rebuild). */
  public static final String OTHER = "other";

  public static final List<String> ALL =
      List.of(LOG_PURGED, IMPOSSIBLE_POSITION, IO_FATAL, DUPLICATE_KEY, MISSING_ROW, CONNECT, ACCESS_DENIED, OTHER);

  private ReplicationErrorKind() {}
}
