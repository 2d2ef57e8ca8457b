package dev.migrator.adapters;

import dev.migrator.activities.FreezeActivities;
import dev.migrator.freeze.AuroraSnapshotFreezer;
import dev.migrator.freeze.CloneFreezer;
import dev.migrator.freeze.FreezeConfig;
import dev.migrator.freeze.Freezer;
import dev.migrator.freeze.LiveConsistentFreezer;
import dev.migrator.freeze.PhysicalBackupFreezer;
import dev.migrator.freeze.StoppedReplicaFreezer;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.activities.FreezeInput;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * Steps 3 and 8: the thin entry point that picks the {@link Freezer} named by request.method (see
 * docs/freeze.md for what each one creates, where it runs and how the release finds it).
 */
public class FreezeActivitiesImpl implements FreezeActivities {
  private final Map<String, Freezer> freezers = new LinkedHashMap<>();

  public FreezeActivitiesImpl() {
    this(new Connector(new CredentialResolver()), FreezeConfig.fromEnv());
  }

  public FreezeActivitiesImpl(Connector connector, FreezeConfig cfg) {
    this(List.of(new LiveConsistentFreezer(), new PhysicalBackupFreezer(connector, cfg),
        new StoppedReplicaFreezer(connector), new CloneFreezer(connector, cfg),
        new AuroraSnapshotFreezer(connector, rdsClients(), AuroraSnapshotFreezer.Timing.production())));
  }

  /** One RDS client per region, built on first use (the worker's default AWS credentials chain). */
  static Function<String, RdsClient> rdsClients() {
    Map<String, RdsClient> byRegion = new ConcurrentHashMap<>();
    return region -> byRegion.computeIfAbsent(region == null || region.isBlank() ? "" : region, r -> {
      var b = RdsClient.builder();
      if (!r.isEmpty()) b.region(Region.of(r));
      return b.build();
    });
  }

  public FreezeActivitiesImpl(List<Freezer> freezers) {
    for (Freezer f : freezers) this.freezers.put(f.method(), f);
  }

  private Freezer freezer(FreezeInput r) {
    String m = r.method == null ? FreezeMethod.LIVE_CONSISTENT : r.method;
    Freezer f = freezers.get(m);
    if (f == null) {
      throw ApplicationFailure.newNonRetryableFailure("freeze method '" + m + "' is not available on this worker;"
          + " available: " + freezers.keySet(), "InvalidRequest");
    }
    return f;
  }

  @Override
  public FrozenCopy freeze(FreezeInput r) {
    String migrationId = r.migrationId;
    return freezer(r).freeze(r, migrationId);
  }

  @Override
  public void releaseFrozenCopy(FreezeInput r) {
    String migrationId = r.migrationId;
    freezer(r).release(r, migrationId);
  }
}
