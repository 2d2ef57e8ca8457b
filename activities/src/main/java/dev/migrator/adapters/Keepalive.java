package dev.migrator.adapters;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;

/**
 * Heartbeats every few seconds from a daemon thread while one long statement runs (a whole-table
 * checksum, an ALTER TABLE ... ADD INDEX on a loaded table): the long-step heartbeat timeout is
 * 15 s, and such statements run for minutes or hours with nothing to report in between. The
 * heartbeat proves the worker process is alive, which is what the timeout is for; a hung statement
 * is bounded by the activity's start-to-close timeout. Only for activities whose heartbeat details
 * carry no resume state (it sends {@code detail}). Outside an activity (tests, CLI) it does nothing.
 */
final class Keepalive implements AutoCloseable {
  static final long EVERY_MILLIS = 5_000;

  private final Thread thread;
  private volatile boolean done;

  private Keepalive(ActivityExecutionContext ctx, String detail) {
    thread = ctx == null ? null : new Thread(() -> {
      while (!done) {
        try {
          Thread.sleep(EVERY_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
        if (done) return;
        try {
          ctx.heartbeat(detail);
        } catch (RuntimeException cancelledOrGone) {
          return; // the activity was cancelled or timed out: its own thread finds out
        }
      }
    }, "keepalive");
    if (thread != null) {
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Starts heartbeating {@code detail} until closed. */
  static Keepalive during(String detail) {
    ActivityExecutionContext ctx;
    try {
      ctx = Activity.getExecutionContext();
    } catch (RuntimeException notInAnActivity) {
      ctx = null;
    }
    return new Keepalive(ctx, detail);
  }

  @Override
  public void close() {
    done = true;
    if (thread != null) thread.interrupt();
  }
}
