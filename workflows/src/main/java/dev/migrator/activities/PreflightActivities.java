package dev.migrator.activities;

import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import io.temporal.activity.ActivityInterface;

/** Step 1: read-only checks of every endpoint. Never changes anything. */
@ActivityInterface
public interface PreflightActivities {
  PreflightReport preflight(MigrationRequest request);
}
