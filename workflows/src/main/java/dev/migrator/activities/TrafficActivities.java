package dev.migrator.activities;

import io.temporal.activity.ActivityInterface;

/** Step 12's traffic switch and its undo. */
@ActivityInterface
public interface TrafficActivities {
  /** Points application traffic at the target; returns a description of what changed. */
  String switchTraffic(TrafficInput in);

  /** Points application traffic back at the source. Idempotent. */
  void switchTrafficBack(TrafficInput in);
}
