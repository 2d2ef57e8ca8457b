package dev.migrator.adapters;

import dev.migrator.activities.PreflightActivities;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.mysql.Connector;
import dev.migrator.preflight.PreflightRunner;

/**
 * Step 1. Read-only: connects to each endpoint and runs every check of the handbook (package
 * dev.migrator.preflight, documented in docs/preflight.md). Connection errors become blocking
 * findings with advice instead of exceptions; nothing is changed on any server.
 */
public class PreflightActivitiesImpl implements PreflightActivities {
  private final PreflightRunner runner;

  public PreflightActivitiesImpl(Connector connector) {
    this.runner = new PreflightRunner(connector);
  }

  @Override
  public PreflightReport preflight(MigrationRequest r) {
    return runner.run(r);
  }
}
