package dev.migrator.model;

import java.util.List;

/** Names of the ways to obtain a frozen copy of the source (PRODUCT.md section 3). */
public final class FreezeMethod {
  public static final String LIVE_CONSISTENT = "live-consistent";
  public static final String PHYSICAL_BACKUP = "physical-backup";
  public static final String STOPPED_REPLICA = "stopped-replica";
  public static final String AURORA_SNAPSHOT = "aurora-snapshot";
  /** Self-managed MySQL 8.0.17+ sources: a temporary server on the worker host made by the clone plugin. */
  public static final String CLONE = "clone";
  public static final List<String> ALL =
      List.of(LIVE_CONSISTENT, PHYSICAL_BACKUP, STOPPED_REPLICA, AURORA_SNAPSHOT, CLONE);

  private FreezeMethod() {}
}
