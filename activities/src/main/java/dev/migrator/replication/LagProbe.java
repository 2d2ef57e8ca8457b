package dev.migrator.replication;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.LagReading;
import dev.migrator.mysql.Session;
import java.sql.SQLException;

/** One reading of a replica against its primary: source position first, then the replica, so "caught up" is never optimistic. */
public final class LagProbe {
  private LagProbe() {}

  public static LagReading read(Session primary, Session replica) throws SQLException {
    return read(primary, replica, null);
  }

  /**
   * As {@link #read(Session, Session)}; {@code previous} (the poller's last reading, or null) lets
   * a MySQL replica count as caught up once its checkpointed position has passed the
   * source's position of that earlier reading ({@link #checkpointPassedPrevious}).
   */
  public static LagReading read(Session primary, Session replica, LagReading previous) throws SQLException {
    LagReading l = new LagReading();
    l.sourcePosition = BinlogPosition.of(primary);
    l.replica = ReplicaStatusReader.read(replica.connection(), replica.dialect());
    l.polledAtMillis = System.currentTimeMillis();
    ReplicationErrorClassifier.Classified c = ReplicationErrorClassifier.classify(l.replica);
    if (c != null) {
      l.errorKind = c.kind();
      l.diagnosis = c.diagnosis();
    }
    BinlogCoordinates executed = l.replica.executed();
    l.progress = l.errorKind != null ? LagReading.ERROR : LagReading.MOVING;
    l.caughtUp = l.replica.ioRunning && l.replica.sqlRunning && executed != null && l.sourcePosition != null
        && (executed.compareTo(l.sourcePosition) >= 0 || appliedByGtid(l, primary, replica)
            || checkpointPassedPrevious(executed, previous, replica));
    if (l.caughtUp) l.progress = LagReading.CAUGHT_UP;
    return l;
  }

  /**
   * MySQL with GTIDs: everything the source had executed is in the replica's executed set. A
   * multi-threaded applier (9.x's default: 4 workers) advances Exec_Source_Log_Pos only at its
   * checkpoints (replica_checkpoint_period), so under a steady load the position alone never
   * reaches the source's; the GTID sets are exact at every commit.
   */
  static boolean appliedByGtid(LagReading l, Session primary, Session replica) throws SQLException {
    String want = l.sourcePosition.gtidSet;
    String have = l.replica.executedGtidSet;
    if (want == null || want.isBlank() || have == null || have.isBlank()) return false;
    if (primary.dialect().isMariaDb() || replica.dialect().isMariaDb()) return false;
    try (java.sql.PreparedStatement ps = replica.connection().prepareStatement("SELECT GTID_SUBSET(?, ?)")) {
      ps.setString(1, want.replace("\n", ""));
      ps.setString(2, have.replace("\n", ""));
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) == 1;
      }
    }
  }

  /**
   * MySQL by file and position (GTIDs off, or on with a channel without auto-position, whose
   * replica lacks the GTIDs from before the frozen copy): the multi-threaded applier's Exec_Source_Log_Pos moves only at its
   * checkpoints (replica_checkpoint_period, 300 ms), so under a steady load it never equals the
   * source's current position (found on MySQL 9.7 to the Aurora-like target with GTID off: the
   * catch-up step never ended). Caught up here means everything the source had written by the
   * previous reading, one poll interval earlier, is applied; the cutover's drain, after the source
   * stopped taking writes, still waits for the exact position.
   */
  static boolean checkpointPassedPrevious(BinlogCoordinates executed, LagReading previous, Session replica)
      throws SQLException {
    if (previous == null || previous.sourcePosition == null || replica.dialect().isMariaDb()) return false;
    return executed.compareTo(previous.sourcePosition) >= 0;
  }

  /** Neither the executed position nor the lag improved between two readings. */
  public static boolean notMoving(LagReading before, LagReading now) {
    BinlogCoordinates a = before.replica.executed();
    BinlogCoordinates b = now.replica.executed();
    if (a == null || b == null || a.compareTo(b) != 0) return false;
    Long la = before.replica.secondsBehind;
    Long lb = now.replica.secondsBehind;
    return la == null || lb == null || lb >= la;
  }
}
