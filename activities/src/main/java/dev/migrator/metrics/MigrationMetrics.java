package dev.migrator.metrics;

import com.uber.m3.tally.Scope;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.util.Map;

/**
 * migrator's own metrics, recorded by activities (never by workflow code) through the activity's
 * Temporal metrics scope: the worker reports that scope to Micrometer/Prometheus
 * ({@code MicrometerClientStatsReporter}); without a metrics port it is a no-op. Every metric carries
 * the migration id (the workflow id) as tag {@code migration}.
 */
public final class MigrationMetrics {
  public static final String ROWS_COPIED = "migrator_rows_copied";
  public static final String BYTES_COPIED = "migrator_bytes_copied";
  public static final String CHUNKS_COPIED = "migrator_chunks_copied";
  public static final String COPY_ROWS_PER_SECOND = "migrator_copy_rows_per_second";
  public static final String REPLICATION_LAG_SECONDS = "migrator_replication_lag_seconds";
  public static final String REPLICATION_CAUGHT_UP = "migrator_replication_caught_up";
  public static final String ACTIVITY_DURATION = "migrator_activity_duration";
  public static final String ACTIVITY_FAILURES = "migrator_activity_failures";

  private MigrationMetrics() {}

  /** The current activity's scope tagged with its migration, or null outside an activity. */
  public static Scope scope() {
    try {
      ActivityExecutionContext ctx = Activity.getExecutionContext();
      return ctx.getMetricsScope().tagged(Map.of("migration", ctx.getInfo().getWorkflowId()));
    } catch (RuntimeException e) {
      return null; // not inside an activity (unit tests, tools)
    }
  }

  /** One chunk written to the target. */
  public static void chunkCopied(long rows, long bytes, double rowsPerSecond) {
    chunkCopied(scope(), rows, bytes, rowsPerSecond);
  }

  /** {@link #chunkCopied(long, long, double)} into {@code s}: for threads an activity started (the scope is the activity thread's). */
  public static void chunkCopied(Scope s, long rows, long bytes, double rowsPerSecond) {
    if (s == null) return;
    s.counter(ROWS_COPIED).inc(rows);
    s.counter(BYTES_COPIED).inc(bytes);
    s.counter(CHUNKS_COPIED).inc(1);
    s.gauge(COPY_ROWS_PER_SECOND).update(rowsPerSecond);
  }

  /** One replication poll: lag (Seconds_Behind_Master, -1 when unknown) and whether positions match. */
  public static void replication(Long secondsBehind, boolean caughtUp) {
    Scope s = scope();
    if (s == null) return;
    s.gauge(REPLICATION_LAG_SECONDS).update(secondsBehind == null ? -1 : secondsBehind);
    s.gauge(REPLICATION_CAUGHT_UP).update(caughtUp ? 1 : 0);
  }
}
