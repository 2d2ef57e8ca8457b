package dev.migrator.activities;

import dev.migrator.model.MigrationRequest;
import io.temporal.activity.ActivityInterface;

/** Step 12's traffic switch and its undo. */
@ActivityInterface
public interface TrafficActivities {
  /** Points application traffic at the target; returns a description of what changed. */
  String switchTraffic(MigrationRequest request);

  /** Points application traffic back at the source. Idempotent. */
  void switchTrafficBack(MigrationRequest request);
}
