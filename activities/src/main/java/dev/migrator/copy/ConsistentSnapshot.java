package dev.migrator.copy;

import dev.migrator.dialect.Dialect;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.Session;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consistent snapshot of a live source and the binlog coordinates that match it exactly, by
 * the {@link Dialect.Snapshot} of the server:
 * <ul>
 *   <li>MariaDB: {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} and the snapshot's own
 *       {@code binlog_snapshot_file/position} (no lock);
 *   <li>MySQL 8.0.14+: {@code LOCK INSTANCE FOR BACKUP} (DDL waits, DML goes on; held until
 *       {@link #close}) and the snapshot opened between two reads of
 *       {@code performance_schema.log_status}. Each read shows a binlog position with every
 *       transaction up to it committed (its gtid_executed "is consistent with" the position); a
 *       transaction's binlog write precedes its engine commit, so two equal reads mean nothing
 *       committed in between and the snapshot holds exactly what is before that position. While
 *       commits land in between it tries again; after {@link #ATTEMPTS} it falls back to a brief
 *       global read lock. Needs BACKUP_ADMIN; without it the global read lock is used directly;
 *   <li>otherwise (older MySQL, RDS/Aurora): a brief {@code FLUSH TABLES WITH READ LOCK} around the
 *       snapshot start (RELOAD).
 * </ul>
 */
public final class ConsistentSnapshot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsistentSnapshot.class);
  static final int ATTEMPTS = 2000;
  private static final Pattern FILE = Pattern.compile("\"binary_log_file\":\\s*\"([^\"]*)\"");
  private static final Pattern POS = Pattern.compile("\"binary_log_position\":\\s*(\\d+)");
  private static final Pattern GTID = Pattern.compile("\"gtid_executed\":\\s*\"([^\"]*)\"");

  private final Session src;
  private final BinlogCoordinates coordinates;
  private final String how;
  private boolean backupLock;

  private ConsistentSnapshot(Session src, BinlogCoordinates coordinates, String how, boolean backupLock) {
    this.src = src;
    this.coordinates = coordinates;
    this.how = how;
    this.backupLock = backupLock;
  }

  public BinlogCoordinates coordinates() {
    return coordinates;
  }

  /** How the coordinates were obtained (for the step's detail and logs). */
  public String how() {
    return how;
  }

  /** Opens the snapshot on {@code src}'s connection (which then reads inside it). */
  public static ConsistentSnapshot open(Session src) throws SQLException {
    Dialect d = src.dialect();
    src.exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    switch (d.snapshot()) {
      case BINLOG_SNAPSHOT_STATUS:
        return mariadb(src);
      case BACKUP_LOCK_LOG_STATUS:
        try {
          src.exec("LOCK INSTANCE FOR BACKUP");
        } catch (SQLException e) {
          if (!MySqlErrors.isPrivilegeError(e)) throw e;
          log.info("no BACKUP_ADMIN for LOCK INSTANCE FOR BACKUP ({}): a brief global read lock instead", e.getMessage());
          return globalReadLock(src, "global read lock (no BACKUP_ADMIN for the backup lock)");
        }
        boolean ok = false;
        try {
          ConsistentSnapshot s = logStatus(src);
          ok = true;
          return s;
        } finally {
          if (!ok) src.exec("UNLOCK INSTANCE");
        }
      default:
        return globalReadLock(src, "global read lock");
    }
  }

  private static ConsistentSnapshot mariadb(Session src) throws SQLException {
    src.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    Map<String, String> st = new HashMap<>();
    for (Map<String, String> row : Jdbc.rows(src.connection(), "SHOW STATUS LIKE 'binlog_snapshot_%'")) {
      st.put(row.get("Variable_name").toLowerCase(), row.get("Value"));
    }
    String file = st.get("binlog_snapshot_file");
    if (file == null || file.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "source: binary logging is off (ERROR 1381): no binlog coordinates for the snapshot", "Incompatible");
    }
    return new ConsistentSnapshot(src, new BinlogCoordinates(file, Long.parseLong(st.get("binlog_snapshot_position")),
        null), "binlog_snapshot_file/position of the snapshot", false);
  }

  private static ConsistentSnapshot logStatus(Session src) throws SQLException {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      String before = src.scalar("SELECT LOCAL FROM performance_schema.log_status");
      src.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
      String after = src.scalar("SELECT LOCAL FROM performance_schema.log_status");
      if (before != null && before.equals(after)) {
        BinlogCoordinates c = parseLocal(after);
        if (c.file == null || c.file.isEmpty()) {
          src.exec("COMMIT");
          throw ApplicationFailure.newNonRetryableFailure(
              "source: binary logging is off (ERROR 1381): no binlog coordinates for the snapshot", "Incompatible");
        }
        return new ConsistentSnapshot(src, c, "LOCK INSTANCE FOR BACKUP + performance_schema.log_status (attempt "
            + attempt + ")", true);
      }
      src.exec("COMMIT"); // a commit landed in between: the snapshot may not match either reading
    }
    log.info("commits landed between every pair of log_status reads in {} attempts: a brief global read lock", ATTEMPTS);
    src.exec("UNLOCK INSTANCE");
    return globalReadLock(src, "global read lock (the source committed between every pair of log_status reads)");
  }

  /** The coordinates in log_status's LOCAL JSON. */
  static BinlogCoordinates parseLocal(String json) {
    Matcher f = FILE.matcher(json);
    Matcher p = POS.matcher(json);
    Matcher g = GTID.matcher(json);
    String gtid = g.find() ? g.group(1).replace("\\n", "").replace("\n", "") : null;
    return new BinlogCoordinates(f.find() ? f.group(1) : null, p.find() ? Long.parseLong(p.group(1)) : 0,
        gtid == null || gtid.isEmpty() ? null : gtid);
  }

  private static ConsistentSnapshot globalReadLock(Session src, String how) throws SQLException {
    Dialect d = src.dialect();
    try {
      src.exec("FLUSH TABLES WITH READ LOCK");
    } catch (SQLException e) {
      throw ApplicationFailure.newNonRetryableFailure("source: live-consistent on " + d.describe() + " needs a brief"
          + " global read lock (RELOAD privilege" + (d.snapshot() == Dialect.Snapshot.BACKUP_LOCK_LOG_STATUS
              ? ", or BACKUP_ADMIN for LOCK INSTANCE FOR BACKUP + log_status" : "")
          + "), which this account may not take: " + e.getMessage()
          + "; use another freeze method (clone, physical-backup, stopped-replica, aurora-snapshot)", "AccessDenied");
    }
    try {
      src.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
      BinlogCoordinates c = d.coordinates(Jdbc.firstRow(src.connection(), d.binlogStatus()));
      if (c == null) {
        throw ApplicationFailure.newNonRetryableFailure("source: binary logging is off (ERROR 1381)", "Incompatible");
      }
      return new ConsistentSnapshot(src, c, how, false);
    } finally {
      src.exec("UNLOCK TABLES");
    }
  }

  /** Ends the snapshot's transaction and releases the backup lock. */
  @Override
  public void close() throws SQLException {
    src.exec("COMMIT");
    if (backupLock) {
      backupLock = false;
      src.exec("UNLOCK INSTANCE");
    }
  }
}
