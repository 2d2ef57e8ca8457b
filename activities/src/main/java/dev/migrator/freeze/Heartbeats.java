package dev.migrator.freeze;

import io.temporal.activity.Activity;

/**
 * Heartbeats from inside a freeze (the workflow's long-step heartbeat timeout is 30 s, and a
 * backup or an RDS restore takes much longer). Outside an activity (tests, CLI) it does nothing.
 */
final class Heartbeats {
  private Heartbeats() {}

  static void beat(Object detail) {
    io.temporal.activity.ActivityExecutionContext ctx;
    try {
      ctx = Activity.getExecutionContext();
    } catch (RuntimeException notInAnActivity) {
      return;
    }
    ctx.heartbeat(detail); // throws when the activity was cancelled: the freeze cleans up
  }
}
