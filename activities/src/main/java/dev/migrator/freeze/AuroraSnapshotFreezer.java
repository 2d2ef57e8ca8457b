package dev.migrator.freeze;

import dev.migrator.model.AuroraSnapshotOptions;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Endpoint;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.activities.FreezeInput;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.SourceType;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

/**
 * {@code aurora-snapshot}: a cluster snapshot of the source (or a given one) restored to a
 * temporary cluster {@code migrator-<id>-frz} with a cluster parameter group that has
 * binlog_format=ROW, plus its writer instance {@code migrator-<id>-frz-w}; both tagged
 * {@code migrator:migration-id=<id>}. The coordinates come from the RDS event "Binlog position
 * from crash recovery is FILE POSITION" of the restored cluster or instance; if no such event
 * appears, from {@code SHOW BINARY LOGS} on the restored writer: the last file that existed before
 * the restart's rotation, and its size (seed 003).
 *
 * <p>It runs anywhere the worker has AWS credentials for RDS and can reach the restored cluster
 * over SQL (for the fallback). Every call retries AWS throttling; waiters poll in short rounds
 * with heartbeats in between. The release deletes the instance, the cluster and the snapshot if
 * this migration created it, found by their derived names and checked by tag; it is idempotent.
 */
public final class AuroraSnapshotFreezer implements Freezer {
  public static final String TAG = "migrator:migration-id";
  static final Pattern CRASH_RECOVERY = Pattern.compile("Binlog position from crash recovery is (\\S+) (\\d+)");
  private static final Set<String> FAILED = Set.of("failed", "incompatible-restore", "incompatible-parameters",
      "inaccessible-encryption-credentials", "incompatible-network", "storage-full", "deleting", "deleted");

  /** Polling and patience; tests shorten them. */
  public record Timing(Duration poll, int eventPolls, Duration throttleBackoff, int throttleRetries) {
    public static Timing production() {
      return new Timing(Duration.ofSeconds(15), 20, Duration.ofSeconds(2), 8);
    }
  }

  private final Connector connector;
  private final Function<String, RdsClient> clients;
  private final Timing timing;

  public AuroraSnapshotFreezer(Connector connector, Function<String, RdsClient> clientsByRegion, Timing timing) {
    this.connector = connector;
    this.clients = clientsByRegion;
    this.timing = timing;
  }

  @Override
  public String method() {
    return FreezeMethod.AURORA_SNAPSHOT;
  }

  public static String clusterId(String migrationId) {
    return FreezeNames.rdsIdentifier(migrationId, "frz");
  }

  public static String instanceId(String migrationId) {
    return FreezeNames.rdsIdentifier(migrationId, "frz-w");
  }

  public static String snapshotId(String migrationId) {
    return FreezeNames.rdsIdentifier(migrationId, "frz-snap");
  }

  private static AuroraSnapshotOptions options(FreezeInput r) {
    AuroraSnapshotOptions o = r.aurora;
    if (o == null || (blank(o.snapshotId) && blank(o.sourceClusterId))) {
      throw ApplicationFailure.newNonRetryableFailure("aurora-snapshot needs aurora.sourceClusterId or aurora.snapshotId",
          "InvalidRequest");
    }
    return o;
  }

  @Override
  public FrozenCopy freeze(FreezeInput r, String migrationId) {
    AuroraSnapshotOptions o = options(r);
    if (blank(o.clusterParameterGroup)) {
      throw ApplicationFailure.newNonRetryableFailure("aurora.clusterParameterGroup is empty: name a cluster parameter"
          + " group with binlog_format=ROW (or set aurora.createParameterGroup)", "InvalidRequest");
    }
    RdsClient rds = clients.apply(o.region);
    List<Tag> tags = List.of(Tag.builder().key(TAG).value(migrationId).build());
    try {
      ensureParameterGroup(rds, o, tags);

      // 1. The snapshot: the given one, or ours (created once; a retry finds it by name).
      boolean ours = blank(o.snapshotId);
      String snap = ours ? snapshotId(migrationId) : o.snapshotId;
      if (ours && findSnapshot(rds, snap).isEmpty()) {
        call(() -> rds.createDBClusterSnapshot(b -> b.dbClusterIdentifier(o.sourceClusterId)
            .dbClusterSnapshotIdentifier(snap).tags(tags)));
      }
      waitUntil(rds, "cluster snapshot " + snap, o,
          w -> w.waitUntilDBClusterSnapshotAvailable(
              DescribeDbClusterSnapshotsRequest.builder().dbClusterSnapshotIdentifier(snap).build(), cfg()),
          () -> findSnapshot(rds, snap).map(DBClusterSnapshot::status).orElse("missing"));

      // 2. The temporary cluster from the snapshot, with binlog_format=ROW from the start.
      String cluster = clusterId(migrationId);
      Optional<DBCluster> existing = findCluster(rds, cluster);
      if (existing.isPresent()) {
        requireOurs(existing.get().tagList(), migrationId, "cluster " + cluster);
      } else {
        call(() -> rds.restoreDBClusterFromSnapshot(b -> {
          b.dbClusterIdentifier(cluster).snapshotIdentifier(snap).engine(o.engine)
              .dbClusterParameterGroupName(o.clusterParameterGroup).deletionProtection(false).tags(tags);
          if (!blank(o.engineVersion)) b.engineVersion(o.engineVersion);
          if (!blank(o.dbSubnetGroup)) b.dbSubnetGroupName(o.dbSubnetGroup);
          if (o.vpcSecurityGroupIds != null && !o.vpcSecurityGroupIds.isEmpty()) b.vpcSecurityGroupIds(o.vpcSecurityGroupIds);
        }));
      }
      waitUntil(rds, "cluster " + cluster, o,
          w -> w.waitUntilDBClusterAvailable(DescribeDbClustersRequest.builder().dbClusterIdentifier(cluster).build(), cfg()),
          () -> findCluster(rds, cluster).map(DBCluster::status).orElse("missing"));

      // 3. Its writer instance.
      String instance = instanceId(migrationId);
      if (findInstance(rds, instance).isEmpty()) {
        call(() -> rds.createDBInstance(b -> b.dbInstanceIdentifier(instance).dbClusterIdentifier(cluster)
            .engine(o.engine).dbInstanceClass(o.instanceClass).tags(tags)));
      }
      waitUntil(rds, "instance " + instance, o,
          w -> w.waitUntilDBInstanceAvailable(DescribeDbInstancesRequest.builder().dbInstanceIdentifier(instance).build(), cfg()),
          () -> findInstance(rds, instance).map(DBInstance::dbInstanceStatus).orElse("missing"));

      DBCluster c = findCluster(rds, cluster).orElseThrow(() -> new IllegalStateException("cluster " + cluster + " vanished"));
      Endpoint ep = new Endpoint(c.endpoint(), c.port() == null ? 3306 : c.port(),
          blank(o.user) ? (blank(c.masterUsername()) ? r.source.user : c.masterUsername()) : o.user,
          blank(o.password) ? r.source.password : o.password);
      ep.flavor = "aurora-mysql";
      ep.tlsCaFile = r.source.tlsCaFile;
      // The source's TLS settings, but not a serverName override: the restored cluster has a name of its own.
      ep.tls = r.source.tls == null ? null : r.source.tls.copy();
      if (ep.tls != null) ep.tls.serverName = null;

      // 4. Coordinates: the crash-recovery event, else SHOW BINARY LOGS (seed 003).
      String how;
      BinlogCoordinates coords = null;
      for (int i = 0; i < timing.eventPolls() && coords == null; i++) {
        coords = crashRecoveryEvent(rds, instance, cluster);
        if (coords == null) {
          Heartbeats.beat("waiting for the crash recovery event of " + instance);
          TempServer.sleep(timing.poll().toMillis());
        }
      }
      if (coords != null) {
        how = "from the RDS event 'Binlog position from crash recovery is " + coords.file + " " + coords.position + "'";
      } else {
        coords = fromBinaryLogs(ep);
        how = "from SHOW BINARY LOGS on the restored writer (no crash recovery event appeared): the last file before"
            + " the restart's rotation and its size — check it against the source before relying on it";
      }
      FrozenCopy f = new FrozenCopy();
      f.method = method();
      f.endpoint = ep;
      f.coordinates = coords;
      f.resumable = true;
      f.resourceId = cluster;
      f.note = "aurora-snapshot: snapshot " + snap + (ours ? " (ours)" : " (given)") + " restored to temporary cluster "
          + cluster + " (writer " + instance + ", tag " + TAG + "=" + migrationId + ") at " + ep.address()
          + "; coordinates " + coords + " " + how + "; the release deletes the instance, the cluster"
          + (ours ? " and the snapshot" : "");
      return f;
    } catch (SdkException e) {
      throw ApplicationFailure.newFailure("aurora-snapshot: " + e.getMessage(), "FreezeFailed");
    }
  }

  private WaiterOverrideConfiguration cfg() {
    // Short rounds: the activity heartbeats between rounds (its heartbeat timeout is 30 s).
    return WaiterOverrideConfiguration.builder().maxAttempts(2)
        .backoffStrategy(FixedDelayBackoffStrategy.create(timing.poll())).build();
  }

  private void waitUntil(RdsClient rds, String what, AuroraSnapshotOptions o, Function<RdsWaiter, ?> waiter,
      Supplier<String> status) {
    long deadline = System.nanoTime() + Duration.ofMinutes(Math.max(1, o.waitMinutes)).toNanos();
    try (RdsWaiter w = RdsWaiter.builder().client(rds).build()) {
      while (true) {
        try {
          waiter.apply(w);
          return;
        } catch (SdkException e) {
          if (!(e instanceof SdkClientException) && !isThrottling(e)) throw e;
          // Out of attempts this round, an acceptor said failure, or throttled: look for ourselves.
          String s = call(status);
          if (FAILED.contains(s) || "missing".equals(s)) {
            // Terminal: retrying would find the same state. The resources stay for inspection;
            // the release (rollback) deletes them.
            throw ApplicationFailure.newNonRetryableFailure("aurora-snapshot: " + what + " is " + s
                + " instead of becoming available; see its RDS events (the rollback deletes it)", "FreezeFailed");
          }
          if (System.nanoTime() > deadline) {
            throw ApplicationFailure.newFailure("aurora-snapshot: " + what + " is still " + s + " after "
                + o.waitMinutes + " minutes (aurora.waitMinutes)", "FreezeFailed");
          }
          Heartbeats.beat(what + " is " + s);
        }
      }
    }
  }

  BinlogCoordinates crashRecoveryEvent(RdsClient rds, String instance, String cluster) {
    for (var src : List.of(Map.entry(instance, SourceType.DB_INSTANCE), Map.entry(cluster, SourceType.DB_CLUSTER))) {
      // Events are kept 14 days; all pages, oldest first.
      List<Event> events = call(() -> {
        List<Event> all = new java.util.ArrayList<>();
        rds.describeEventsPaginator(b -> b.sourceIdentifier(src.getKey()).sourceType(src.getValue())
            .duration(14 * 24 * 60)).events().forEach(all::add);
        return all;
      });
      BinlogCoordinates found = null;
      for (Event e : events) {
        BinlogCoordinates c = parseEvent(e.message());
        if (c != null) found = c; // events come oldest first: keep the latest
      }
      if (found != null) return found;
    }
    return null;
  }

  static BinlogCoordinates parseEvent(String message) {
    if (message == null) return null;
    Matcher m = CRASH_RECOVERY.matcher(message);
    return m.find() ? new BinlogCoordinates(m.group(1), Long.parseLong(m.group(2)), null) : null;
  }

  /**
   * Seed 003: a restart rotates the binary log, so the newest file holds only its header; the
   * position matching the restored data is the previous file and its size. When the newest file
   * has more than a header, it is taken with its size.
   */
  BinlogCoordinates fromBinaryLogs(Endpoint ep) {
    try (Connection c = connector.open("frozen copy", ep)) {
      List<Map<String, String>> logs = Jdbc.rows(c, "SHOW BINARY LOGS");
      if (logs.isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure("aurora-snapshot: the restored cluster has no binary logs:"
            + " its cluster parameter group must set binlog_format=ROW", "FreezeFailed");
      }
      return chooseFromBinaryLogs(logs);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("aurora-snapshot: SHOW BINARY LOGS on " + ep.address() + " failed: "
          + e.getMessage(), "FreezeFailed");
    }
  }

  static BinlogCoordinates chooseFromBinaryLogs(List<Map<String, String>> logs) {
    Map<String, String> last = logs.get(logs.size() - 1);
    long lastSize = Long.parseLong(last.get("File_size"));
    Map<String, String> pick = logs.size() > 1 && lastSize <= HEADER_ONLY ? logs.get(logs.size() - 2) : last;
    return new BinlogCoordinates(pick.get("Log_name"), Long.parseLong(pick.get("File_size")), null);
  }

  /** A binlog file holding no more than its format description (and GTID list) events. */
  static final long HEADER_ONLY = 512;

  private void ensureParameterGroup(RdsClient rds, AuroraSnapshotOptions o, List<Tag> tags) {
    String g = o.clusterParameterGroup;
    boolean exists;
    try {
      call(() -> rds.describeDBClusterParameterGroups(b -> b.dbClusterParameterGroupName(g)));
      exists = true;
    } catch (DbClusterParameterGroupNotFoundException e) {
      exists = false;
    }
    if (!exists) {
      if (!o.createParameterGroup) {
        throw ApplicationFailure.newNonRetryableFailure("aurora-snapshot: cluster parameter group " + g + " does not"
            + " exist; create it with binlog_format=ROW or set aurora.createParameterGroup", "InvalidRequest");
      }
      call(() -> rds.createDBClusterParameterGroup(b -> b.dbClusterParameterGroupName(g)
          .dbParameterGroupFamily(o.parameterGroupFamily).description("migrator: binlog_format=ROW").tags(tags)));
      call(() -> rds.modifyDBClusterParameterGroup(b -> b.dbClusterParameterGroupName(g).parameters(
          Parameter.builder().parameterName("binlog_format").parameterValue("ROW").applyMethod("pending-reboot").build())));
    }
    String format = call(() -> {
      String f = null;
      for (var page : rds.describeDBClusterParametersPaginator(b -> b.dbClusterParameterGroupName(g))) {
        for (Parameter p : page.parameters()) {
          if ("binlog_format".equals(p.parameterName())) f = p.parameterValue();
        }
      }
      return f;
    });
    if (!"ROW".equalsIgnoreCase(format)) {
      throw ApplicationFailure.newNonRetryableFailure("aurora-snapshot: cluster parameter group " + g + " has binlog_format="
          + format + "; set it to ROW (the restored cluster must write a binary log)", "InvalidRequest");
    }
  }

  private static void requireOurs(List<Tag> tags, String migrationId, String what) {
    boolean ours = tags != null && tags.stream().anyMatch(t -> TAG.equals(t.key()) && migrationId.equals(t.value()));
    if (!ours) {
      throw ApplicationFailure.newNonRetryableFailure("aurora-snapshot: " + what + " exists but is not tagged "
          + TAG + "=" + migrationId + "; migrator does not touch it: rename or delete it", "InvalidRequest");
    }
  }

  Optional<DBCluster> findCluster(RdsClient rds, String id) {
    try {
      return call(() -> rds.describeDBClusters(b -> b.dbClusterIdentifier(id)).dbClusters().stream().findFirst());
    } catch (DbClusterNotFoundException e) {
      return Optional.empty();
    }
  }

  Optional<DBInstance> findInstance(RdsClient rds, String id) {
    try {
      return call(() -> rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().stream().findFirst());
    } catch (DbInstanceNotFoundException e) {
      return Optional.empty();
    }
  }

  Optional<DBClusterSnapshot> findSnapshot(RdsClient rds, String id) {
    try {
      return call(() -> rds.describeDBClusterSnapshots(b -> b.dbClusterSnapshotIdentifier(id)).dbClusterSnapshots()
          .stream().findFirst());
    } catch (DbClusterSnapshotNotFoundException e) {
      return Optional.empty();
    }
  }

  static boolean isThrottling(Throwable e) {
    return e instanceof AwsServiceException a && (a.isThrottlingException()
        || (a.awsErrorDetails() != null && Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded",
            "TooManyRequestsException").contains(a.awsErrorDetails().errorCode())));
  }

  /** One RDS call, retried with backoff while AWS throttles it. */
  <T> T call(Supplier<T> c) {
    for (int attempt = 0; ; attempt++) {
      try {
        return c.get();
      } catch (SdkException e) {
        if (!isThrottling(e) || attempt >= timing.throttleRetries()) throw e;
        Heartbeats.beat("throttled by RDS");
        TempServer.sleep(timing.throttleBackoff().toMillis() * (1L << Math.min(attempt, 5)));
      }
    }
  }

  @Override
  public void release(FreezeInput r, String migrationId) {
    AuroraSnapshotOptions o = options(r);
    RdsClient rds = clients.apply(o.region);
    String instance = instanceId(migrationId);
    String cluster = clusterId(migrationId);
    try {
      Optional<DBInstance> i = findInstance(rds, instance);
      if (i.isPresent()) {
        requireOurs(i.get().tagList(), migrationId, "instance " + instance);
        if (!"deleting".equals(i.get().dbInstanceStatus())) {
          try {
            call(() -> rds.deleteDBInstance(b -> b.dbInstanceIdentifier(instance).skipFinalSnapshot(true)));
          } catch (DbInstanceNotFoundException gone) {
            // deleted meanwhile
          }
        }
        waitGone(rds, "instance " + instance, () -> findInstance(rds, instance).isEmpty());
      }
      Optional<DBCluster> c = findCluster(rds, cluster);
      if (c.isPresent()) {
        requireOurs(c.get().tagList(), migrationId, "cluster " + cluster);
        if (!"deleting".equals(c.get().status())) {
          try {
            call(() -> rds.deleteDBCluster(b -> b.dbClusterIdentifier(cluster).skipFinalSnapshot(true)));
          } catch (DbClusterNotFoundException gone) {
            // deleted meanwhile
          }
        }
        waitGone(rds, "cluster " + cluster, () -> findCluster(rds, cluster).isEmpty());
      }
      // Only a snapshot this migration created: ours has the derived name and our tag.
      String snap = snapshotId(migrationId);
      Optional<DBClusterSnapshot> s = findSnapshot(rds, snap);
      if (s.isPresent()) {
        requireOurs(s.get().tagList(), migrationId, "cluster snapshot " + snap);
        try {
          call(() -> rds.deleteDBClusterSnapshot(b -> b.dbClusterSnapshotIdentifier(snap)));
        } catch (DbClusterSnapshotNotFoundException gone) {
          // deleted meanwhile
        }
      }
    } catch (SdkException e) {
      throw ApplicationFailure.newFailure("aurora-snapshot release: " + e.getMessage(), "ReleaseFailed");
    }
  }

  private void waitGone(RdsClient rds, String what, Supplier<Boolean> gone) {
    for (int i = 0; i < 2000; i++) {
      if (gone.get()) return;
      Heartbeats.beat("deleting " + what);
      TempServer.sleep(timing.poll().toMillis());
    }
    throw ApplicationFailure.newFailure("aurora-snapshot release: " + what + " is still being deleted", "ReleaseFailed");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
