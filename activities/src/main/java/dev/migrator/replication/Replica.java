package dev.migrator.replication;

import dev.migrator.dialect.Dialect;
import dev.migrator.dialect.ReplicationChannel;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.ReplicationStatus;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.Session;
import dev.migrator.mysql.Sql;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server as a replica: points it at a source, starts, stops, resets, skips and moves it, with
 * the statements of its {@link Dialect} (self-managed CHANGE REPLICATION SOURCE / CHANGE MASTER,
 * RDS/Aurora the mysql.rds_* procedures it has). Used for the target (forward replication) and
 * the source (reverse replication after cutover).
 */
public final class Replica {
  private final Session session;
  private final Dialect d;

  private Replica(Session session, Dialect d) {
    this.session = session;
    this.d = d;
  }

  public static Replica of(Session s) throws SQLException {
    return new Replica(s, s.dialect());
  }

  public Dialect dialect() {
    return d;
  }

  public ReplicationStatus status() throws SQLException {
    return ReplicaStatusReader.read(session.connection(), d);
  }

  /**
   * Forgets any earlier replication, points the server at the channel's source from {@code from}
   * (or by GTID auto-position), and limits it to {@code schemas}: by the dialect's filter, or on
   * RDS/Aurora by checking the parameter group's (refusing when it does not cover them).
   */
  public void configure(ReplicationChannel channel, BinlogCoordinates from, boolean autoPosition, List<String> schemas)
      throws SQLException {
    reset();
    if (autoPosition && !"ON".equalsIgnoreCase(session.scalar(d.gtidMode()))) {
      throw ApplicationFailure.newNonRetryableFailure(d.describe() + ": replication.gtidAutoPosition needs gtid_mode=ON"
          + " on the replica (it is " + session.scalar(d.gtidMode()) + "; ERROR 1777 otherwise)"
          + (d.isManaged() ? ": set gtid-mode and enforce_gtid_consistency to ON in the DB (cluster) parameter group"
              : "") + ", or replicate by file and position", "Incompatible");
    }
    session.run(unsupportedAsFailure(() -> d.replicationFilter(schemas)));
    session.run(unsupportedAsFailure(() -> d.changeSource(channel, from, autoPosition)));
    if (d.filterIsParameter()) {
      String filter = filter();
      List<String> missing = schemas.stream().filter(s -> !covers(filter, s)).toList();
      if (!missing.isEmpty()) {
        reset();
        throw ApplicationFailure.newNonRetryableFailure("the replication filter of " + d.describe()
            + " (Replicate_Wild_Do_Table='" + (filter == null ? "" : filter) + "') does not cover " + missing
            + ". On RDS/Aurora the filter is set in the DB (cluster) parameter group: set replicate-wild-do-table to "
            + String.join(",", schemas.stream().map(s -> s + ".%").toList()) + " and retry", "Incompatible");
      }
    }
  }

  /**
   * A MySQL source with GTIDs on cannot feed a MySQL replica with GTIDs off (the receiver refuses
   * to start, ERROR 13117): refused here, before anything is configured, with what to change.
   */
  public void requireGtidCompatibleWith(Session source) throws SQLException {
    if (d.isMariaDb() || source.dialect().isMariaDb()) return;
    String mine = session.scalar(d.gtidMode());
    String theirs = source.scalar(source.dialect().gtidMode());
    if ("ON".equalsIgnoreCase(theirs) && "OFF".equalsIgnoreCase(mine)) {
      throw ApplicationFailure.newNonRetryableFailure(d.describe() + " has gtid_mode=OFF but the source ("
          + source.dialect().describe() + ") has gtid_mode=ON: the replica's receiver would refuse to start (ERROR"
          + " 13117). Turn GTIDs on for the target" + (d.isManaged() ? " (gtid-mode and enforce_gtid_consistency ON in"
              + " the DB cluster parameter group, then reboot the writer)" : " (gtid_mode=ON, enforce_gtid_consistency=ON)")
          + " before the replicate step", "Incompatible");
    }
  }

  /** Marks {@code gtidSet} (the frozen copy's) as applied here, less what this server already executed. */
  public void addGtidPurged(String gtidSet) throws SQLException {
    if (gtidSet == null || gtidSet.isBlank()) return;
    String missing = d.isMariaDb() ? gtidSet
        : session.scalar("SELECT GTID_SUBTRACT(" + Sql.literal(gtidSet) + ", @@GLOBAL.gtid_executed)");
    if (missing == null || missing.isBlank()) return;
    session.run(unsupportedAsFailure(() -> d.addGtidPurged(missing.replace("\n", ""))));
  }

  public void start() throws SQLException {
    session.run(d.startReplica());
  }

  public void stop() throws SQLException {
    session.run(d.stopReplica());
  }

  /** Stops replication and forgets its configuration (and filter). Idempotent. */
  public void reset() throws SQLException {
    if (d.isManaged() && Jdbc.firstRow(session.connection(), d.replicaStatus()) == null) return; // nothing configured
    session.run(unsupportedAsFailure(d::resetReplica));
  }

  /**
   * {@link #reset}, and forgets the position it replicated to (MariaDB's gtid_slave_pos), for a
   * server that is done replicating: nothing of the replication stays behind. Idempotent.
   */
  public void forget() throws SQLException {
    reset();
    session.run(d.forgetReplicaPosition());
  }

  /** Skips the transaction the applier stopped on and starts again. */
  public void skipOneEvent(ReplicationStatus st) throws SQLException {
    boolean gtidOn = !d.isMariaDb() && "ON".equalsIgnoreCase(session.scalar(d.gtidMode()));
    String gtid = gtidOn ? failedGtid(st) : null;
    session.run(unsupportedAsFailure(() -> d.skipOneEvent(gtidOn, gtid)));
  }

  private static final Pattern FAILED_TRANSACTION = Pattern.compile("transaction '([0-9a-fA-F-]+:[0-9]+)'");

  /** The GTID of the transaction the applier failed on: from the error text, else the worker table. */
  String failedGtid(ReplicationStatus st) throws SQLException {
    Matcher m = FAILED_TRANSACTION.matcher(st.lastSqlError == null ? "" : st.lastSqlError);
    if (m.find()) return m.group(1);
    Map<String, String> row = Jdbc.firstRow(session.connection(), "SELECT APPLYING_TRANSACTION FROM"
        + " performance_schema.replication_applier_status_by_worker WHERE LAST_ERROR_NUMBER <> 0"
        + " AND APPLYING_TRANSACTION <> '' LIMIT 1");
    return row == null ? null : row.get("APPLYING_TRANSACTION");
  }

  /** Moves the receiver to position 4 of the file after {@code failedFile}; returns the new coordinates. */
  public BinlogCoordinates nextLog(String failedFile) throws SQLException {
    session.run(unsupportedAsFailure(() -> d.nextLog(failedFile)));
    return new BinlogCoordinates(dev.migrator.dialect.BinlogFiles.next(failedFile), 4, null);
  }

  private String filter() throws SQLException {
    Map<String, String> row = Jdbc.firstRow(session.connection(), d.replicaStatus());
    return row == null ? null : row.get("Replicate_Wild_Do_Table");
  }

  static boolean covers(String filter, String schema) {
    if (filter == null) return false;
    for (String f : filter.split(",")) {
      String t = f.trim().replace("\\_", "_").replace("\\%", "%");
      if (t.equals(schema + ".%") || t.equals("%.%")) return true;
    }
    return false;
  }

  /** What the dialect cannot do on this server becomes a non-retryable failure with its reason. */
  static <T> T unsupportedAsFailure(java.util.function.Supplier<T> statements) {
    try {
      return statements.get();
    } catch (UnsupportedOperationException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "Incompatible");
    }
  }
}
