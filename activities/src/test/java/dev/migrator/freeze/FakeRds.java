package dev.migrator.freeze;

import dev.migrator.testkit.LocalMariaDb;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.*;

/**
 * A fake of the SDK's {@link RdsClient} backed by real local servers: "create cluster snapshot"
 * takes a prepared mariabackup of the local source (plus its binary logs up to the backup's
 * position, as Aurora keeps them in its storage); "restore" starts a local server on a copy of it
 * with the binary log on, so it rotates to a fresh file at startup like an Aurora restore; the
 * writer's events report the backup's real coordinates in RDS's exact wording. Resources go
 * through "creating" for a few describes before "available", so waiters really poll.
 */
final class FakeRds implements RdsClient {
  static final class Snap {
    String id;
    List<Tag> tags;
    String status = "creating";
    int polls;
    Path dir;
    String file;
    long position;
  }

  static final class Cluster {
    String id;
    List<Tag> tags;
    String status = "creating";
    int polls;
    String snapshot;
    LocalMariaDb server;
  }

  static final class Instance {
    String id;
    String cluster;
    List<Tag> tags;
    String status = "creating";
    int polls;
  }

  final LocalMariaDb source;
  final Path work;
  final Map<String, Snap> snapshots = new ConcurrentHashMap<>();
  final Map<String, Cluster> clusters = new ConcurrentHashMap<>();
  final Map<String, Instance> instances = new ConcurrentHashMap<>();
  final Map<String, String> parameterGroups = new ConcurrentHashMap<>(); // name -> binlog_format
  final List<Event> events = new ArrayList<>();
  final AtomicInteger describes = new AtomicInteger();
  final AtomicInteger throttled = new AtomicInteger();

  int pollsUntilAvailable = 3;
  /** The next N describe calls fail with RDS's throttling error. */
  volatile int throttleNextDescribes;
  /** Every Nth describe call fails with RDS's throttling error (0: never). */
  volatile int throttleEveryNth;
  volatile boolean failRestore;
  volatile boolean emitEvents = true;
  /** Simulates a worker crash right after the named call took effect. */
  volatile String crashAfter;

  FakeRds(LocalMariaDb source, Path work) {
    this.source = source;
    this.work = work;
  }

  @Override
  public String serviceName() {
    return "rds";
  }

  @Override
  public void close() {}

  // ---- errors ---------------------------------------------------------------------------------

  private void maybeThrottle() {
    int n = describes.incrementAndGet();
    if (throttleNextDescribes > 0 || (throttleEveryNth > 0 && n % throttleEveryNth == 0)) {
      if (throttleNextDescribes > 0) throttleNextDescribes--;
      throttled.incrementAndGet();
      throw RdsException.builder().statusCode(400).message("Rate exceeded")
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").errorMessage("Rate exceeded").build())
          .build();
    }
  }

  private void maybeCrash(String call) {
    if (call.equals(crashAfter)) {
      crashAfter = null;
      throw new IllegalStateException("simulated worker crash after " + call);
    }
  }

  private static AwsErrorDetails err(String code) {
    return AwsErrorDetails.builder().errorCode(code).errorMessage(code).build();
  }

  // ---- parameter groups -----------------------------------------------------------------------

  @Override
  public DescribeDbClusterParameterGroupsResponse describeDBClusterParameterGroups(DescribeDbClusterParameterGroupsRequest r) {
    maybeThrottle();
    if (!parameterGroups.containsKey(r.dbClusterParameterGroupName())) {
      throw DbClusterParameterGroupNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBParameterGroupNotFound")).message("not found").build();
    }
    return DescribeDbClusterParameterGroupsResponse.builder().dbClusterParameterGroups(
        DBClusterParameterGroup.builder().dbClusterParameterGroupName(r.dbClusterParameterGroupName()).build()).build();
  }

  @Override
  public CreateDbClusterParameterGroupResponse createDBClusterParameterGroup(CreateDbClusterParameterGroupRequest r) {
    parameterGroups.put(r.dbClusterParameterGroupName(), "OFF");
    return CreateDbClusterParameterGroupResponse.builder().build();
  }

  @Override
  public ModifyDbClusterParameterGroupResponse modifyDBClusterParameterGroup(ModifyDbClusterParameterGroupRequest r) {
    for (Parameter p : r.parameters()) {
      if ("binlog_format".equals(p.parameterName())) parameterGroups.put(r.dbClusterParameterGroupName(), p.parameterValue());
    }
    return ModifyDbClusterParameterGroupResponse.builder().build();
  }

  @Override
  public DescribeDbClusterParametersResponse describeDBClusterParameters(DescribeDbClusterParametersRequest r) {
    maybeThrottle();
    return DescribeDbClusterParametersResponse.builder().parameters(
        Parameter.builder().parameterName("binlog_format").parameterValue(parameterGroups.get(r.dbClusterParameterGroupName())).build())
        .build();
  }

  // ---- snapshots ------------------------------------------------------------------------------

  @Override
  public CreateDbClusterSnapshotResponse createDBClusterSnapshot(CreateDbClusterSnapshotRequest r) {
    if (snapshots.containsKey(r.dbClusterSnapshotIdentifier())) {
      throw DbClusterSnapshotAlreadyExistsException.builder().statusCode(400)
          .awsErrorDetails(err("DBClusterSnapshotAlreadyExistsFault")).message("exists").build();
    }
    Snap s = new Snap();
    s.id = r.dbClusterSnapshotIdentifier();
    s.tags = r.tags();
    s.dir = work.resolve("snapshot-" + s.id);
    backup(s);
    snapshots.put(s.id, s);
    maybeCrash("createDBClusterSnapshot");
    return CreateDbClusterSnapshotResponse.builder().build();
  }

  private void backup(Snap s) {
    Path data = s.dir.resolve("data");
    run(List.of("mariabackup", "--defaults-file=" + source.configFile(), "--backup", "--target-dir=" + data,
        "--host=127.0.0.1", "--port=" + source.port(), "--user=root", "--password=" + source.rootPassword()), s.dir, "backup");
    run(List.of("mariabackup", "--no-defaults", "--prepare", "--target-dir=" + data), s.dir, "prepare");
    try {
      String[] info = Files.readString(data.resolve("xtrabackup_binlog_info")).trim().split("\\s+");
      s.file = info[0];
      s.position = Long.parseLong(info[1]);
      // Aurora keeps the binary log in the cluster volume: keep the source's up to the backup's position.
      Path logs = Files.createDirectories(s.dir.resolve("binlogs"));
      try (Stream<Path> l = Files.list(source.dataDir())) {
        for (Path f : l.filter(p -> p.getFileName().toString().matches("mysql-bin\\.\\d+")).sorted().toList()) {
          if (f.getFileName().toString().compareTo(s.file) > 0) continue;
          Path copy = logs.resolve(f.getFileName());
          Files.copy(f, copy);
          if (f.getFileName().toString().equals(s.file)) {
            try (RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "rw")) {
              raf.setLength(s.position);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void run(List<String> cmd, Path dir, String what) {
    try {
      Files.createDirectories(dir);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(what + ".log").toFile()).start();
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(what + " failed: " + Files.readString(dir.resolve(what + ".log")));
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public DescribeDbClusterSnapshotsResponse describeDBClusterSnapshots(DescribeDbClusterSnapshotsRequest r) {
    maybeThrottle();
    Snap s = snapshots.get(r.dbClusterSnapshotIdentifier());
    if (s == null) {
      throw DbClusterSnapshotNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBClusterSnapshotNotFoundFault")).message("not found").build();
    }
    if ("creating".equals(s.status) && ++s.polls >= pollsUntilAvailable) s.status = "available";
    return DescribeDbClusterSnapshotsResponse.builder().dbClusterSnapshots(DBClusterSnapshot.builder()
        .dbClusterSnapshotIdentifier(s.id).status(s.status).tagList(s.tags).build()).build();
  }

  @Override
  public DeleteDbClusterSnapshotResponse deleteDBClusterSnapshot(DeleteDbClusterSnapshotRequest r) {
    Snap s = snapshots.remove(r.dbClusterSnapshotIdentifier());
    if (s == null) {
      throw DbClusterSnapshotNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBClusterSnapshotNotFoundFault")).message("not found").build();
    }
    TempServer.deleteTree(s.dir);
    return DeleteDbClusterSnapshotResponse.builder().build();
  }

  // ---- clusters -------------------------------------------------------------------------------

  @Override
  public RestoreDbClusterFromSnapshotResponse restoreDBClusterFromSnapshot(RestoreDbClusterFromSnapshotRequest r) {
    if (clusters.containsKey(r.dbClusterIdentifier())) {
      throw DbClusterAlreadyExistsException.builder().statusCode(400)
          .awsErrorDetails(err("DBClusterAlreadyExistsFault")).message("exists").build();
    }
    Snap s = snapshots.get(r.snapshotIdentifier());
    if (s == null || !"available".equals(s.status)) {
      throw InvalidDbClusterSnapshotStateException.builder().statusCode(400)
          .awsErrorDetails(err("InvalidDBClusterSnapshotStateFault")).message("snapshot not available").build();
    }
    if (!"ROW".equals(parameterGroups.get(r.dbClusterParameterGroupName()))) {
      throw DbClusterParameterGroupNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBParameterGroupNotFound")).message("no such ROW group").build();
    }
    Cluster c = new Cluster();
    c.id = r.dbClusterIdentifier();
    c.tags = r.tags();
    c.snapshot = s.id;
    clusters.put(c.id, c);
    if (failRestore) {
      c.status = "incompatible-restore";
    } else {
      c.server = startFrom(s, c.id);
    }
    maybeCrash("restoreDBClusterFromSnapshot");
    return RestoreDbClusterFromSnapshotResponse.builder().build();
  }

  private LocalMariaDb startFrom(Snap s, String id) {
    try {
      Path data = work.resolve("cluster-" + id + "-data");
      copyTree(s.dir.resolve("data"), data);
      List<String> index = new ArrayList<>();
      try (Stream<Path> l = Files.list(s.dir.resolve("binlogs"))) {
        for (Path f : l.sorted().toList()) {
          Files.copy(f, data.resolve(f.getFileName()));
          index.add("./" + f.getFileName());
        }
      }
      Files.write(data.resolve("mysql-bin.index"), index);
      LocalMariaDb.Options o = new LocalMariaDb.Options().name("fake-aurora");
      o.existingDataDir = data;
      o.rootPassword = source.rootPassword(); // the restored cluster keeps the source's accounts
      return LocalMariaDb.start(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> w = Files.walk(from)) {
      for (Path p : w.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
  }

  @Override
  public DescribeDbClustersResponse describeDBClusters(DescribeDbClustersRequest r) {
    maybeThrottle();
    Cluster c = clusters.get(r.dbClusterIdentifier());
    if (c == null) {
      throw DbClusterNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBClusterNotFoundFault")).message("not found").build();
    }
    if ("deleting".equals(c.status) && ++c.polls >= pollsUntilAvailable) {
      clusters.remove(c.id);
      throw DbClusterNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBClusterNotFoundFault")).message("not found").build();
    }
    if ("creating".equals(c.status) && ++c.polls >= pollsUntilAvailable) c.status = "available";
    DBCluster.Builder b = DBCluster.builder().dbClusterIdentifier(c.id).status(c.status).tagList(c.tags)
        .masterUsername("root");
    if (c.server != null) b.endpoint(c.server.host()).port(c.server.port());
    return DescribeDbClustersResponse.builder().dbClusters(b.build()).build();
  }

  @Override
  public DeleteDbClusterResponse deleteDBCluster(DeleteDbClusterRequest r) {
    Cluster c = clusters.get(r.dbClusterIdentifier());
    if (c == null) {
      throw DbClusterNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBClusterNotFoundFault")).message("not found").build();
    }
    if (instances.values().stream().anyMatch(i -> i.cluster.equals(c.id) && !"deleting".equals(i.status))) {
      throw InvalidDbClusterStateException.builder().statusCode(400).awsErrorDetails(err("InvalidDBClusterStateFault"))
          .message("Cluster cannot be deleted, it still contains DB instances in non-deleting state.").build();
    }
    if (c.server != null) c.server.close();
    c.status = "deleting";
    c.polls = 0;
    return DeleteDbClusterResponse.builder().build();
  }

  // ---- instances ------------------------------------------------------------------------------

  @Override
  public CreateDbInstanceResponse createDBInstance(CreateDbInstanceRequest r) {
    if (!clusters.containsKey(r.dbClusterIdentifier())) {
      throw DbClusterNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBClusterNotFoundFault")).message("not found").build();
    }
    Instance i = new Instance();
    i.id = r.dbInstanceIdentifier();
    i.cluster = r.dbClusterIdentifier();
    i.tags = r.tags();
    instances.put(i.id, i);
    maybeCrash("createDBInstance");
    return CreateDbInstanceResponse.builder().build();
  }

  @Override
  public DescribeDbInstancesResponse describeDBInstances(DescribeDbInstancesRequest r) {
    maybeThrottle();
    Instance i = instances.get(r.dbInstanceIdentifier());
    if (i == null) {
      throw DbInstanceNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBInstanceNotFound")).message("not found").build();
    }
    if ("deleting".equals(i.status) && ++i.polls >= pollsUntilAvailable) {
      instances.remove(i.id);
      throw DbInstanceNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBInstanceNotFound")).message("not found").build();
    }
    if ("creating".equals(i.status) && ++i.polls >= pollsUntilAvailable) {
      i.status = "available";
      Snap s = snapshots.get(clusters.get(i.cluster).snapshot);
      if (emitEvents && s != null) {
        synchronized (events) {
          events.add(Event.builder().sourceIdentifier(i.id).sourceType(SourceType.DB_INSTANCE)
              .message("DB instance restarted").build());
          events.add(Event.builder().sourceIdentifier(i.id).sourceType(SourceType.DB_INSTANCE)
              .message("Binlog position from crash recovery is " + s.file + " " + s.position).build());
        }
      }
    }
    return DescribeDbInstancesResponse.builder().dbInstances(DBInstance.builder().dbInstanceIdentifier(i.id)
        .dbClusterIdentifier(i.cluster).dbInstanceStatus(i.status).tagList(i.tags).build()).build();
  }

  @Override
  public DeleteDbInstanceResponse deleteDBInstance(DeleteDbInstanceRequest r) {
    Instance i = instances.get(r.dbInstanceIdentifier());
    if (i == null) {
      throw DbInstanceNotFoundException.builder().statusCode(404)
          .awsErrorDetails(err("DBInstanceNotFound")).message("not found").build();
    }
    i.status = "deleting";
    i.polls = 0;
    return DeleteDbInstanceResponse.builder().build();
  }

  @Override
  public DescribeEventsResponse describeEvents(DescribeEventsRequest r) {
    maybeThrottle();
    synchronized (events) {
      return DescribeEventsResponse.builder().events(events.stream()
          .filter(e -> e.sourceIdentifier().equals(r.sourceIdentifier()) && e.sourceType() == r.sourceType()).toList())
          .build();
    }
  }

  /** Everything the fake holds, for "release leaves nothing". */
  String leftovers() {
    return "snapshots=" + snapshots.keySet() + " clusters=" + clusters.keySet() + " instances=" + instances.keySet();
  }
}
