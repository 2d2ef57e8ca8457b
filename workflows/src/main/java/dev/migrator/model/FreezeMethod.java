package dev.migrator.model;

import java.util.List;

/** Names of the ways to obtain a frozen copy of the source (PRODUCT.md section 3). */
public final class FreezeMethod {
  public static final String LIVE_CONSISTENT = "live-consistent";
  public static final String PHYSICAL_BACKUP = "physical-backup";
  public static final String STOPPED_REPLICA = "stopped-replica";
  public static final String AURORA_SNAPSHOT = "aurora-snapshot";
  public static final List<String> ALL =
      List.of(LIVE_CONSISTENT, PHYSICAL_BACKUP, STOPPED_REPLICA, AURORA_SNAPSHOT);

  private FreezeMethod() {}
}
