package dev.migrator.activities;

import dev.migrator.model.Endpoint;

/** What the retention step touches: the source, and how long its binary logs must be kept. */
public class RetentionInput {
  public String migrationId;
  public Endpoint source;
  public int retentionHours;
}
