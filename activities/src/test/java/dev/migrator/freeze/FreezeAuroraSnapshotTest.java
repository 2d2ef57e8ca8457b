package dev.migrator.freeze;

import dev.migrator.activities.StepInputs;
import static dev.migrator.freeze.FreezeTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.migrator.adapters.FreezeActivitiesImpl;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** aurora-snapshot against a fake RdsClient whose snapshots and clusters are real local servers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FreezeAuroraSnapshotTest {
  LocalMariaDb source;
  LocalMariaDb target;
  Path work;
  Path dumps;
  FakeRds rds;
  final Connector connector = new Connector(new CredentialResolver());
  final AuroraSnapshotFreezer.Timing fast =
      new AuroraSnapshotFreezer.Timing(Duration.ofMillis(20), 3, Duration.ofMillis(10), 8);

  @BeforeAll
  void start() {
    source = LocalMariaDb.start("au-source");
    target = LocalMariaDb.start("au-target");
    dumps = tempDir("au-dumps");
  }

  @AfterAll
  void stop() {
    if (target != null) target.close();
    if (source != null) source.close();
    TempServer.deleteTree(dumps);
  }

  @BeforeEach
  void fake() {
    work = tempDir("fake-rds");
    rds = new FakeRds(source, work);
    rds.parameterGroups.put("migrator-row", "ROW");
  }

  @AfterEach
  void cleanFake() {
    rds.clusters.values().forEach(c -> {
      if (c.server != null) c.server.close();
    });
    TempServer.deleteTree(work);
  }

  FreezeActivitiesImpl freeze() {
    return new FreezeActivitiesImpl(List.of(new AuroraSnapshotFreezer(connector, region -> rds, fast)));
  }

  MigrationRequest request() {
    MigrationRequest r = FreezeTesting.request(FreezeMethod.AURORA_SNAPSHOT, source, target, "bank");
    r.source.flavor = "aurora-mysql";
    // MariaDB plays Aurora here, without TLS (Aurora always has it: required is the flavor's default).
    r.source.tls = new dev.migrator.model.TlsSettings(dev.migrator.model.TlsSettings.PREFERRED);
    r.aurora.sourceClusterId = "prod-cluster";
    r.aurora.clusterParameterGroup = "migrator-row";
    r.aurora.waitMinutes = 5;
    return r;
  }

  void assertNothingLeft() throws Exception {
    assertTrue(rds.snapshots.isEmpty() && rds.clusters.isEmpty() && rds.instances.isEmpty(), rds.leftovers());
    try (var l = Files.list(work)) {
      assertEquals(List.of(), l.toList(), "no snapshot or cluster files left");
    }
  }

  @Test
  void eventCoordinatesAreExactUnderLoadThroughPollingAndThrottling() throws Exception {
    MigrationRequest r = request();
    FreezeActivitiesImpl freeze = freeze();
    try (WriteLoad load = WriteLoad.start(source, "bank", "accounts", "app", 2)) {
      awaitWrites(load, 300);
      rds.throttleNextDescribes = 2; // two in a row: the backoff retries twice
      rds.throttleEveryNth = 4; // and throttling inside the waiters' polling and the event reads
      FrozenCopy f = freeze.freeze(StepInputs.freeze(r, "au-1"));
      rds.throttleEveryNth = 0;
      assertTrue(rds.throttled.get() >= 5, "throttling errors were retried: " + rds.throttled.get());
      assertTrue(rds.describes.get() > 3 * rds.pollsUntilAvailable, "the waiters polled");
      FakeRds.Snap snap = rds.snapshots.get(AuroraSnapshotFreezer.snapshotId("au-1"));
      assertEquals(snap.file + ":" + snap.position, f.coordinates.file + ":" + f.coordinates.position);
      assertTrue(f.note.contains("Binlog position from crash recovery is"), f.note);
      assertEquals(AuroraSnapshotFreezer.clusterId("au-1"), f.resourceId);
      assertEquals("aurora-mysql", f.endpoint.flavor);
      assertEquals(r.source.password, f.endpoint.password, "the restored cluster keeps the source's accounts");

      loadFrozenInto(f.endpoint, "bank", target, dumps);
      replicateAt(target, source, f.coordinates);
      awaitWrites(load, 200);
      load.close();
      awaitCaughtUp(target, source);
      assertSameContents(source, target, "bank");

      // A retry after a lost result reuses the same cluster.
      FrozenCopy again = freeze.freeze(StepInputs.freeze(r, "au-1"));
      assertEquals(f.endpoint.port, again.endpoint.port);

      freeze.releaseFrozenCopy(StepInputs.freeze(r, "au-1"));
      assertNothingLeft();
      freeze.releaseFrozenCopy(StepInputs.freeze(r, "au-1")); // twice is fine
    } finally {
      target.sql("STOP SLAVE", "RESET SLAVE ALL", "DROP DATABASE IF EXISTS bank");
    }
  }

  @Test
  void withoutTheEventTheLastFileBeforeTheRotationAndItsSizeAreUsed() throws Exception {
    source.sql("CREATE DATABASE IF NOT EXISTS shop", "CREATE TABLE IF NOT EXISTS shop.t (id INT PRIMARY KEY)",
        "INSERT IGNORE INTO shop.t VALUES (1), (2), (3)");
    rds.emitEvents = false;
    rds.parameterGroups.clear();
    MigrationRequest r = request();
    r.aurora.createParameterGroup = true;
    FrozenCopy f = freeze().freeze(StepInputs.freeze(r, "au-2"));
    assertEquals("ROW", rds.parameterGroups.get("migrator-row"), "the parameter group was created with ROW");
    FakeRds.Snap snap = rds.snapshots.get(AuroraSnapshotFreezer.snapshotId("au-2"));
    // The restored server rotated to a fresh file at startup (as after the reboot in seed 003).
    var c = rds.clusters.get(AuroraSnapshotFreezer.clusterId("au-2")).server;
    assertTrue(c.queryRows("SHOW BINARY LOGS").size() >= 2);
    assertEquals(snap.file + ":" + snap.position, f.coordinates.file + ":" + f.coordinates.position);
    assertTrue(f.note.contains("SHOW BINARY LOGS"), f.note);
    freeze().releaseFrozenCopy(StepInputs.freeze(r, "au-2"));
    assertNothingLeft();
  }

  @Test
  void aFailedRestoreStopsClearlyAndTheReleaseKeepsAGivenSnapshot() throws Exception {
    rds.createDBClusterSnapshot(b -> b.dbClusterSnapshotIdentifier("operator-snap").dbClusterIdentifier("prod"));
    rds.failRestore = true;
    MigrationRequest r = request();
    r.aurora.sourceClusterId = null;
    r.aurora.snapshotId = "operator-snap";
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> freeze().freeze(StepInputs.freeze(r, "au-3")));
    assertTrue(e.getOriginalMessage().contains("incompatible-restore"), e.getOriginalMessage());
    freeze().releaseFrozenCopy(StepInputs.freeze(r, "au-3"));
    assertTrue(rds.clusters.isEmpty() && rds.instances.isEmpty(), rds.leftovers());
    assertTrue(rds.snapshots.containsKey("operator-snap"), "a snapshot we did not create is never deleted");
  }

  @Test
  void aCrashBetweenCreateAndRecordIsReleasedByName() throws Exception {
    rds.crashAfter = "createDBInstance";
    MigrationRequest r = request();
    assertThrows(IllegalStateException.class, () -> freeze().freeze(StepInputs.freeze(r, "au-4")));
    assertEquals(1, rds.clusters.size());
    // A new worker knows nothing but the request and the migration id.
    freeze().releaseFrozenCopy(StepInputs.freeze(r, "au-4"));
    assertNothingLeft();
  }

  @Test
  void aParameterGroupWithoutRowBinlogIsRefused() {
    rds.parameterGroups.put("migrator-row", "OFF");
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> freeze().freeze(StepInputs.freeze(request(), "au-5")));
    assertTrue(e.getOriginalMessage().contains("binlog_format=OFF"), e.getOriginalMessage());
    assertTrue(rds.snapshots.isEmpty(), "refused before creating anything");
  }

  @Test
  void eventParsingAndBinaryLogChoice() {
    var c = AuroraSnapshotFreezer.parseEvent("Binlog position from crash recovery is mysql-bin-changelog.034259 32068147");
    assertEquals("mysql-bin-changelog.034259:32068147", c.file + ":" + c.position);
    assertNull(AuroraSnapshotFreezer.parseEvent("DB instance restarted"));
    // Seed 003's SHOW BINARY LOGS after the reboot rotation.
    var logs = List.of(
        Map.of("Log_name", "mysql-bin-changelog.000694", "File_size", "134218631"),
        Map.of("Log_name", "mysql-bin-changelog.000695", "File_size", "101168877"),
        Map.of("Log_name", "mysql-bin-changelog.000696", "File_size", "120"));
    var b = AuroraSnapshotFreezer.chooseFromBinaryLogs(logs);
    assertEquals("mysql-bin-changelog.000695:101168877", b.file + ":" + b.position);
  }
}
