package dev.migrator.copy;

import dev.migrator.dialect.Dialect;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.Session;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
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
    BinlogCoordinates c = mariadbPosition(src);
    if (c == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "source: binary logging is off (ERROR 1381): no binlog coordinates for the snapshot", "Incompatible");
    }
    return new ConsistentSnapshot(src, c, "binlog_snapshot_file/position of the snapshot", false);
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

  /**
   * Opens one snapshot on {@code lead} (as {@link #open}) and the very same snapshot on each of
   * {@code followers}, for a copy that reads tables in parallel. Same point, proven per server:
   * <ul>
   *   <li>MariaDB: every follower's own binlog_snapshot_file/position equals the lead's (each
   *       position is exact for its snapshot, so equal positions mean the same commits);
   *   <li>MySQL with the backup lock: all snapshots start between two equal log_status reads;
   *   <li>the global read lock: all start under the same lock.
   * </ul>
   * While commits land between the snapshots it tries again ({@link #ATTEMPTS}), then takes a brief
   * global read lock; where that is refused, the followers are left out (their snapshots ended)
   * and {@link Shared#followers()} is empty: the copy reads with the lead alone, as before.
   */
  public static Shared openShared(Session lead, List<Session> followers) throws SQLException {
    if (followers.isEmpty()) return new Shared(open(lead), List.of());
    Dialect d = lead.dialect();
    for (Session f : followers) f.exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    lead.exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    switch (d.snapshot()) {
      case BINLOG_SNAPSHOT_STATUS:
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
          ConsistentSnapshot s = mariadb(lead);
          boolean same = true;
          for (Session f : followers) {
            f.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            same &= samePosition(s.coordinates, mariadbPosition(f));
          }
          if (same) return new Shared(s.withHow(s.how + ", shared by " + (followers.size() + 1) + " connections"
              + " (attempt " + attempt + ")"), followers);
          endAll(lead, followers);
        }
        return sharedUnderReadLock(lead, followers);
      case BACKUP_LOCK_LOG_STATUS:
        try {
          lead.exec("LOCK INSTANCE FOR BACKUP");
        } catch (SQLException e) {
          if (!MySqlErrors.isPrivilegeError(e)) throw e;
          return sharedUnderReadLock(lead, followers);
        }
        boolean ok = false;
        try {
          for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            String before = lead.scalar("SELECT LOCAL FROM performance_schema.log_status");
            lead.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            for (Session f : followers) f.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            String after = lead.scalar("SELECT LOCAL FROM performance_schema.log_status");
            if (before != null && before.equals(after)) {
              BinlogCoordinates c = parseLocal(after);
              if (c.file == null || c.file.isEmpty()) {
                endAll(lead, followers);
                throw ApplicationFailure.newNonRetryableFailure(
                    "source: binary logging is off (ERROR 1381): no binlog coordinates for the snapshot", "Incompatible");
              }
              ok = true;
              return new Shared(new ConsistentSnapshot(lead, c, "LOCK INSTANCE FOR BACKUP + performance_schema.log_status,"
                  + " shared by " + (followers.size() + 1) + " connections (attempt " + attempt + ")", true), followers);
            }
            endAll(lead, followers);
          }
        } finally {
          if (!ok) lead.exec("UNLOCK INSTANCE");
        }
        return sharedUnderReadLock(lead, followers);
      default:
        return sharedUnderReadLock(lead, followers);
    }
  }

  /** The followers' snapshots too, under one brief global read lock; without RELOAD: the lead alone. */
  private static Shared sharedUnderReadLock(Session lead, List<Session> followers) throws SQLException {
    Dialect d = lead.dialect();
    try {
      lead.exec("FLUSH TABLES WITH READ LOCK");
    } catch (SQLException e) {
      if (!MySqlErrors.isPrivilegeError(e)) throw e;
      log.info("snapshots could not be shared without a global read lock ({}): one connection reads", e.getMessage());
      return new Shared(open(lead), List.of());
    }
    try {
      lead.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
      for (Session f : followers) f.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
      BinlogCoordinates c = d.snapshot() == Dialect.Snapshot.BINLOG_SNAPSHOT_STATUS ? mariadbPosition(lead)
          : d.coordinates(Jdbc.firstRow(lead.connection(), d.binlogStatus()));
      if (c == null || c.file == null || c.file.isEmpty()) {
        endAll(lead, followers);
        throw ApplicationFailure.newNonRetryableFailure("source: binary logging is off (ERROR 1381)", "Incompatible");
      }
      return new Shared(new ConsistentSnapshot(lead, c, "global read lock, shared by " + (followers.size() + 1)
          + " connections", false), followers);
    } finally {
      lead.exec("UNLOCK TABLES");
    }
  }

  /** This session's snapshot's own binlog_snapshot_file/position (MariaDB), or null when binary logging is off. */
  private static BinlogCoordinates mariadbPosition(Session s) throws SQLException {
    Map<String, String> st = new HashMap<>();
    for (Map<String, String> row : Jdbc.rows(s.connection(), "SHOW STATUS LIKE 'binlog_snapshot_%'")) {
      st.put(row.get("Variable_name").toLowerCase(), row.get("Value"));
    }
    String file = st.get("binlog_snapshot_file");
    return file == null || file.isEmpty() ? null
        : new BinlogCoordinates(file, Long.parseLong(st.get("binlog_snapshot_position")), null);
  }

  private static boolean samePosition(BinlogCoordinates a, BinlogCoordinates b) {
    return a != null && b != null && a.file != null && a.file.equals(b.file) && a.position == b.position;
  }

  private static void endAll(Session lead, List<Session> followers) throws SQLException {
    lead.exec("COMMIT");
    for (Session f : followers) f.exec("COMMIT");
  }

  private ConsistentSnapshot withHow(String how) {
    return new ConsistentSnapshot(src, coordinates, how, backupLock);
  }

  /** One snapshot read by the lead and its followers (empty when it could not be shared); closing ends all. */
  public static final class Shared implements AutoCloseable {
    private final ConsistentSnapshot lead;
    private final List<Session> followers;

    Shared(ConsistentSnapshot lead, List<Session> followers) {
      this.lead = lead;
      this.followers = followers;
    }

    public ConsistentSnapshot lead() {
      return lead;
    }

    public List<Session> followers() {
      return followers;
    }

    @Override
    public void close() throws SQLException {
      try {
        for (Session f : followers) f.exec("COMMIT");
      } finally {
        lead.close();
      }
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
