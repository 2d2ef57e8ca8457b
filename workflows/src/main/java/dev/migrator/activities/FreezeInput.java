package dev.migrator.activities;

import dev.migrator.model.AuroraSnapshotOptions;
import dev.migrator.model.Endpoint;

/** What the freeze and release steps need: the method, the source and the method's own settings. */
public class FreezeInput {
  /** Names the temporary resources (cluster, instance, directory, server); release finds them by it. */
  public String migrationId;
  public String method;
  public Endpoint source;
  /** stopped-replica: the replica whose SQL thread is stopped. */
  public Endpoint frozenReplica;
  /** aurora-snapshot: where and how the temporary cluster is restored. */
  public AuroraSnapshotOptions aurora;
}
