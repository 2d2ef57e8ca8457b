package dev.migrator.replication;

import dev.migrator.metrics.MigrationMetrics;
import dev.migrator.model.Endpoint;
import dev.migrator.model.LagReading;
import dev.migrator.model.ReplicationErrorKind;
import dev.migrator.model.ReplicationOptions;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.Session;
import io.temporal.activity.Activity;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The lag poll loop of catch-up and the approval watch: reads source position and replica status
 * every {@code pollSeconds}, writes/reads the heartbeat row, tells stuck from slow
 * ({@link ProgressInspector}), rides out short connection problems (worker to source, target to
 * source), heartbeats the activity, and returns when its {@link StopRule} says so, on a lasting
 * replication error, or at the deadline.
 */
public final class LagPoller {
  /** How long a connection problem (target to source, or worker to source) may last before it is reported. */
  public static final long CONNECT_GRACE_MILLIS = 60_000;

  /** When a poll loop returns early (besides a replication error and the deadline). */
  @FunctionalInterface
  public interface StopRule {
    boolean stop(LagReading reading, LagReading first, int stableCaughtUpPolls);
  }

  private final Connector connector;
  private final Endpoint source;
  private final Endpoint target;
  private final ReplicationOptions options;

  public LagPoller(Connector connector, Endpoint source, Endpoint target, ReplicationOptions options) {
    this.connector = connector;
    this.source = source;
    this.target = target;
    this.options = options;
  }

  public LagReading poll(int maxSeconds, StopRule rule) {
    return poll(maxSeconds, true, rule);
  }

  /**
   * As {@link #poll(int, StopRule)}; with {@code writeHeartbeats} false the heartbeat row is only
   * read, never written (the approval wait's watch may outlive the approval, and the source must
   * stand still once the cutover begins).
   */
  public LagReading poll(int maxSeconds, boolean writeHeartbeats, StopRule rule) {
    long deadline = System.currentTimeMillis() + maxSeconds * 1000L;
    LagReading first = null;
    int stable = 0;
    LagReading last = null;
    LagReading previous = null;
    long connectErrorSince = 0;
    long sourceDownSince = 0;
    long outageSince = 0;
    String workerCause = null;
    Connection srcConnection = null;
    Session src = null;
    Heartbeat heartbeat = options.heartbeat ? new Heartbeat(options.heartbeatSchema) : null;
    List<Long> written = new ArrayList<>();
    try (Connection dstConnection = connector.open("target", target)) {
      Session dst = new Session(dstConnection, target);
      while (true) {
        LagReading reading;
        try {
          if (src == null) {
            srcConnection = connector.openRaw("source", source);
            src = new Session(srcConnection, source);
          }
          reading = LagProbe.read(src, dst, previous);
          if (heartbeat != null) {
            // Read what arrived, then write the next one: after the position reads, so that a
            // fresh heartbeat never keeps "caught up" from being reached.
            reading.heartbeatLagMillis = Heartbeat.lag(heartbeat.applied(dst), written, reading.polledAtMillis);
            long now = System.currentTimeMillis();
            if (writeHeartbeats) {
              heartbeat.write(src, now);
              written.add(now);
            }
          }
          sourceDownSince = 0;
          workerCause = null;
        } catch (SQLException e) {
          // The source is down or unreachable from the worker (a restart, a failover): keep
          // reading the target and let the IO thread reconnect; report only a lasting outage.
          closeQuietly(srcConnection);
          srcConnection = null;
          src = null;
          if (sourceDownSince == 0) sourceDownSince = System.currentTimeMillis();
          if (System.currentTimeMillis() - sourceDownSince > CONNECT_GRACE_MILLIS) {
            throw MySqlErrors.failure("source", source, e);
          }
          reading = new LagReading();
          reading.replica = ReplicaStatusReader.read(dstConnection, dst.dialect());
          reading.polledAtMillis = System.currentTimeMillis();
          reading.progress = LagReading.MOVING;
          MySqlErrors.Diagnosis why = MySqlErrors.diagnose("source", source, e);
          reading.diagnosis = "source unreachable from the worker for "
              + (System.currentTimeMillis() - sourceDownSince) / 1000 + " s (" + why.message() + "); still polling";
          workerCause = "the worker gets ERROR " + (why.code() != 0 ? why.code() : e.getErrorCode());
        }
        // A source outage, as the replica and the worker see it, in one line for the status.
        String outage = outageCause(reading.replica, workerCause);
        if (outage == null) {
          outageSince = 0;
        } else {
          long now = System.currentTimeMillis();
          if (outageSince == 0) outageSince = sourceDownSince != 0 ? sourceDownSince : now;
          Integer retry = reading.replica == null ? null : reading.replica.connectRetrySeconds;
          reading.note = "source unreachable for " + (now - outageSince) / 1000 + " s (" + outage + "); replication"
              + " retries every " + (retry != null ? retry : Math.max(1, options.connectRetrySeconds)) + " s";
        }
        last = reading;
        Activity.getExecutionContext().heartbeat(reading.replica.secondsBehind);
        MigrationMetrics.replication(reading.replica.secondsBehind, reading.caughtUp);
        if (reading.errorKind != null) {
          // The IO thread retries connections by itself: only a lasting connect error is reported.
          if (!ReplicationErrorKind.CONNECT.equals(reading.errorKind)) return reading;
          if (connectErrorSince == 0) connectErrorSince = System.currentTimeMillis();
          if (System.currentTimeMillis() - connectErrorSince > CONNECT_GRACE_MILLIS) return reading;
          reading.errorKind = null;
          reading.progress = LagReading.MOVING;
          reading.diagnosis = "reconnecting: " + reading.diagnosis;
        } else {
          connectErrorSince = 0;
          if (!reading.caughtUp && src != null && previous != null && LagProbe.notMoving(previous, reading)) {
            ProgressInspector.Finding f = ProgressInspector.inspect(dst, reading.replica.sqlState, reading.replica.ioState);
            reading.progress = f.slow() ? LagReading.SLOW : LagReading.STUCK;
            reading.diagnosis = f.diagnosis();
          }
        }
        stable = reading.caughtUp ? stable + 1 : 0;
        if (first == null) first = reading;
        if (rule.stop(reading, first, stable)) return reading;
        if (System.currentTimeMillis() >= deadline) return reading;
        previous = reading;
        // Sleep in slices with heartbeats: a poll interval may be longer than the heartbeat timeout.
        long wakeAt = System.currentTimeMillis() + options.pollSeconds * 1000L;
        for (long left = wakeAt - System.currentTimeMillis(); left > 0; left = wakeAt - System.currentTimeMillis()) {
          Thread.sleep(Math.min(left, 5_000));
          Activity.getExecutionContext().heartbeat(reading.replica.secondsBehind);
        }
      }
    } catch (SQLException e) {
      throw MySqlErrors.failure("lag poll", target, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return last;
    } finally {
      closeQuietly(srcConnection);
    }
  }

  /**
   * Why the source is unreachable, or null when it is not: the target's IO thread failing to
   * connect (2003, 2005, 2013) or connecting again, or the worker unable to connect to it.
   */
  static String outageCause(dev.migrator.model.ReplicationStatus replica, String workerCause) {
    if (replica != null && replica.configured) {
      int errno = replica.lastIoErrno;
      if (errno == MySqlErrors.CR_CONN_HOST_ERROR || errno == MySqlErrors.CR_UNKNOWN_HOST
          || errno == MySqlErrors.CR_SERVER_LOST) {
        return "the target's IO thread gets ERROR " + errno + (replica.ioConnecting ? ", connecting again" : "")
            + (workerCause == null ? "" : "; " + workerCause);
      }
      if (replica.ioConnecting && errno == 0 && workerCause != null) {
        return "the target's IO thread is connecting; " + workerCause;
      }
    }
    return workerCause;
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // already broken
    }
  }
}
