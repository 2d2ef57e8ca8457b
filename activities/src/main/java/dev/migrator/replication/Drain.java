package dev.migrator.replication;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.LagReading;
import dev.migrator.model.ReplicationErrorKind;
import dev.migrator.mysql.Session;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;

/** Waits until a replica has executed a position of its primary: the cutover's drain, both directions. */
public final class Drain {
  private Drain() {}

  /**
   * Waits (heartbeating) until {@code replica} has executed {@code position} of {@code primary};
   * fails on a replication error or after the timeout.
   */
  public static void until(Session primary, Session replica, String who, BinlogCoordinates position, int timeoutSeconds)
      throws SQLException {
    long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
    while (true) {
      LagReading l = LagProbe.read(primary, replica);
      BinlogCoordinates executed = l.replica.executed();
      if (executed != null && executed.compareTo(position) >= 0) return;
      if (!l.replica.configured) {
        throw ApplicationFailure.newNonRetryableFailure(who + " has no replication to drain", "NotFound");
      }
      if (l.errorKind != null && !ReplicationErrorKind.CONNECT.equals(l.errorKind)) {
        throw ApplicationFailure.newNonRetryableFailure(who + " stopped replicating before reaching " + position + ": "
            + l.diagnosis, "ReplicationError");
      }
      if (System.currentTimeMillis() > deadline) {
        throw ApplicationFailure.newFailure(who + " had not executed up to " + position + " after " + timeoutSeconds
            + " s (it is at " + executed + ")", "DrainTimeout");
      }
      Activity.getExecutionContext().heartbeat(executed == null ? null : executed.toString());
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure("interrupted while draining", "Interrupted");
      }
    }
  }
}
