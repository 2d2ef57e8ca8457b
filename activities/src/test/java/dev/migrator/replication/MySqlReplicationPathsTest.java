package dev.migrator.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.activities.CopyActivities;
import dev.migrator.activities.CutoverActivities;
import dev.migrator.activities.ReplicationActivities;
import dev.migrator.activities.StepInputs;
import dev.migrator.adapters.CopyActivitiesImpl;
import dev.migrator.adapters.CutoverActivitiesImpl;
import dev.migrator.adapters.ReplicationActivitiesImpl;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.LagReading;
import dev.migrator.model.LiveCopyResult;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TableRef;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.AuroraLikeMySql;
import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import dev.migrator.testkit.WriteLoad;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MySQL paths on real MySQL 9.7 servers (GTIDs on): live-consistent's coordinates from
 * LOCK INSTANCE FOR BACKUP + performance_schema.log_status proven exact by replicating from them
 * under a write load, by file/position and by GTID auto-position (the frozen copy's GTID set added
 * to the target's gtid_purged first); reverse replication target → source both ways; and MySQL →
 * Aurora-like targets through the mysql.rds_* stand-ins (file/position with the parameter-group
 * filter and rds_skip_repl_error; auto-position with rds_gtid_purged).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MySqlReplicationPathsTest {
  static LocalMySql source;
  static LocalMySql target;
  static TestActivityEnvironment env;
  static CopyActivities copy;
  static ReplicationActivities repl;
  static CutoverActivities cutover;

  static final String DDL = " (id BIGINT AUTO_INCREMENT PRIMARY KEY, account INT NOT NULL, amount DECIMAL(12,2)"
      + " NOT NULL, note VARCHAR(64) CHARACTER SET utf8mb4, updated_at DATETIME(6) NOT NULL DEFAULT"
      + " CURRENT_TIMESTAMP(6)) ENGINE=InnoDB";

  @BeforeAll
  static void start() {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
    source = LocalMySql.start("paths-src");
    target = LocalMySql.start("paths-dst");
    env = TestActivityEnvironment.newInstance();
    Connector connector = new Connector(new CredentialResolver());
    env.registerActivitiesImplementations(new CopyActivitiesImpl(connector, (w, p) -> { }),
        new ReplicationActivitiesImpl(connector), new CutoverActivitiesImpl(connector));
    ActivityOptions o = ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(3))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build();
    copy = env.newActivityStub(CopyActivities.class, o);
    repl = env.newActivityStub(ReplicationActivities.class, o);
    cutover = env.newActivityStub(CutoverActivities.class, o);
  }

  @AfterAll
  static void stop() {
    if (env != null) env.close();
    if (source != null) source.close();
    if (target != null) target.close();
  }

  static MigrationRequest request(String schema, LocalServer src, LocalServer dst) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = schema;
    r.source = src.endpoint();
    r.target = dst.endpoint();
    r.schemas.add(schema);
    r.replication.password = src.rootPasswordRef();
    r.replication.pollSeconds = 1;
    r.replication.connectRetrySeconds = 1;
    r.cutover.drainTimeoutSeconds = 60;
    return r;
  }

  /** The target table as the schema step makes it: unlogged, so the target's GTID history stays its own. */
  static void createTargetTable(LocalServer dst, String schema, String... asAdmin) {
    dst.sql("SET SESSION sql_log_bin = 0", "CREATE DATABASE IF NOT EXISTS " + schema,
        "CREATE TABLE IF NOT EXISTS " + schema + ".orders" + DDL);
  }

  /** Live-consistent copy while the load writes, then replication from its coordinates; returns them. */
  static LiveCopyResult copyUnderLoadAndReplicate(MigrationRequest r, LocalServer src, LocalServer dst) {
    String schema = r.schemas.get(0);
    try (WriteLoad load = WriteLoad.start(src, schema, "orders", schema + "_app", 2)) {
      waitForWrites(load, 200);
      LiveCopyResult res = copy.copyLiveConsistent(StepInputs.copy(r, null), List.of(new TableRef(schema, "orders")), "w");
      assertNotNull(res.coordinates, "coordinates");
      repl.ensureReplicationUser(StepInputs.replication(r));
      repl.startReplication(StepInputs.replication(r), res.coordinates);
      waitForWrites(load, load.writes() + 200); // the load goes on while the target catches up
      load.close();
      awaitCaughtUp(r);
      return res;
    }
  }

  static void waitForWrites(WriteLoad load, long n) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (load.writes() < n && System.currentTimeMillis() < deadline) dev.migrator.servers.ServerProcess.sleep(20);
  }

  static LagReading awaitCaughtUp(MigrationRequest r) {
    LagReading l = repl.awaitCatchUp(StepInputs.replication(r), 90);
    assertNull(l.errorKind, () -> "replication error: " + l.diagnosis);
    assertTrue(l.caughtUp, () -> "not caught up: " + l.progress + " " + l.diagnosis);
    return l;
  }

  /** After forward replication is reset: the source follows the target; writes on the target reach it. */
  static void reverseReplicationBringsTargetWritesBack(MigrationRequest r, LocalServer src, LocalServer dst) {
    String schema = r.schemas.get(0);
    repl.stopAndResetReplication(StepInputs.replication(r));
    BinlogCoordinates from = cutover.targetPosition(StepInputs.cutover(r));
    cutover.startReverseReplication(StepInputs.cutover(r), from);
    try {
      dst.sql("INSERT INTO " + schema + ".orders (account, amount, note) VALUES (7, 1.00, 'on the target 1'),"
          + " (8, 2.00, 'on the target 2')");
      cutover.waitForSourcePosition(StepInputs.cutover(r), cutover.targetPosition(StepInputs.cutover(r)));
      assertEquals("2", src.query("SELECT COUNT(*) FROM " + schema + ".orders WHERE note LIKE 'on the target%'"));
      // auto_increment_increment 2, offset 2 on the target: its ids never collide with the source's odd ones.
      assertEquals("0", src.query("SELECT MAX(id) % 2 FROM " + schema + ".orders WHERE note LIKE 'on the target%'"));
      assertEquals(Contents.of(src, schema), Contents.of(dst, schema));
    } finally {
      cutover.stopReverseReplication(StepInputs.cutover(r));
    }
    assertTrue(src.queryRows("SHOW REPLICA STATUS").isEmpty(), "reverse replication reset");
  }

  @Test
  void liveConsistentCoordinatesFromTheBackupLockAreExactByFileAndPosition() {
    MigrationRequest r = request("lc_file", source, target);
    createTargetTable(target, "lc_file");
    LiveCopyResult res = copyUnderLoadAndReplicate(r, source, target);
    assertTrue(res.snapshot.startsWith("LOCK INSTANCE FOR BACKUP + performance_schema.log_status"), res.snapshot);
    assertNotNull(res.coordinates.gtidSet, "log_status gives the GTID set too: " + res.coordinates);
    assertEquals(Contents.of(source, "lc_file"), Contents.of(target, "lc_file"));
    reverseReplicationBringsTargetWritesBack(r, source, target);
  }

  @Test
  void autoPositionStartsFromTheFrozenCopysGtidSet() {
    MigrationRequest r = request("lc_gtid", source, target);
    r.replication.gtidAutoPosition = true;
    createTargetTable(target, "lc_gtid");
    LiveCopyResult res = copyUnderLoadAndReplicate(r, source, target);
    assertEquals(Contents.of(source, "lc_gtid"), Contents.of(target, "lc_gtid"));
    // Everything the source executed is in the target's history: purged (the copy) or replicated.
    assertEquals("1", target.query("SELECT GTID_SUBSET('" + res.coordinates.gtidSet + "', @@GLOBAL.gtid_purged)"));
    assertEquals("1", target.query("SELECT GTID_SUBSET('" + source.gtidExecuted() + "', @@GLOBAL.gtid_executed)"));
    reverseReplicationBringsTargetWritesBack(r, source, target);
  }

  @Test
  void auroraLikeTargetByFilePositionThroughTheRdsProcedures() {
    // Aurora's default is GTIDs off, and a GTID source cannot feed such a replica (ERROR 13117): a source without GTIDs.
    try (LocalMySql source = LocalMySql.start(new LocalMySql.Options().name("paths-src-nogtid").gtid(false));
        AuroraLikeMySql aurora = AuroraLikeMySql.start(new AuroraLikeMySql.Options().name("paths-aurora")
        .config("replicate-wild-do-table=aur.%"))) {
      MigrationRequest r = request("aur", source, aurora);
      createTargetTable(aurora, "aur");
      // A schema the parameter group's filter does not cover: refused with the value to set, nothing left behind.
      MigrationRequest other = request("aurother", source, aurora);
      BinlogCoordinates here = new BinlogCoordinates(source.binlogPosition()[0], Long.parseLong(source.binlogPosition()[1]), null);
      repl.ensureReplicationUser(StepInputs.replication(other));
      ActivityFailure refused = assertThrows(ActivityFailure.class,
          () -> repl.startReplication(StepInputs.replication(other), here));
      assertTrue(refused.getCause().getMessage().contains("replicate-wild-do-table to aurother.%"),
          refused.getCause().getMessage());
      assertTrue(aurora.queryRows("SHOW REPLICA STATUS").isEmpty(), "reset after the refusal");

      copyUnderLoadAndReplicate(r, source, aurora);
      assertEquals(Contents.of(source, "aur"), Contents.of(aurora, "aur"));
      // A row written on the target: 1062, skipped with rds_skip_repl_error (GTIDs off there).
      aurora.sql("INSERT INTO aur.orders (id, account, amount) VALUES (1000001, 1, 1)");
      source.sql("INSERT INTO aur.orders (id, account, amount) VALUES (1000001, 2, 2)",
          "INSERT INTO aur.orders (id, account, amount) VALUES (1000002, 3, 3)");
      LagReading err = repl.awaitCatchUp(StepInputs.replication(r), 60);
      assertEquals(dev.migrator.model.ReplicationErrorKind.DUPLICATE_KEY, err.errorKind, err.diagnosis);
      repl.skipReplicationEvent(StepInputs.replication(r));
      awaitCaughtUp(r);
      assertEquals("3", aurora.query("SELECT account FROM aur.orders WHERE id = 1000002"));
      repl.stopAndResetReplication(StepInputs.replication(r));
      assertTrue(aurora.queryRows("SHOW REPLICA STATUS").isEmpty(), "rds_reset_external_source");
    }
  }

  @Test
  void auroraLikeTargetByAutoPositionWithRdsGtidPurged() {
    try (AuroraLikeMySql aurora = AuroraLikeMySql.start(new AuroraLikeMySql.Options().name("paths-aurora-gtid")
        .gtid(true).config("replicate-wild-do-table=aurg.%"))) {
      MigrationRequest r = request("aurg", source, aurora);
      r.replication.gtidAutoPosition = true;
      createTargetTable(aurora, "aurg");
      LiveCopyResult res = copyUnderLoadAndReplicate(r, source, aurora);
      assertEquals(Contents.of(source, "aurg"), Contents.of(aurora, "aurg"));
      assertEquals("1", aurora.query("SELECT GTID_SUBSET('" + res.coordinates.gtidSet + "', @@GLOBAL.gtid_purged)"));
      repl.stopAndResetReplication(StepInputs.replication(r));
    }
  }

  @Test
  void aGtidSourceIsRefusedClearlyForATargetWithGtidsOff() {
    try (AuroraLikeMySql aurora = AuroraLikeMySql.start(new AuroraLikeMySql.Options().name("paths-aurora-off")
        .config("replicate-wild-do-table=auro.%"))) {
      MigrationRequest r = request("auro", source, aurora);
      repl.ensureReplicationUser(StepInputs.replication(r));
      ActivityFailure f = assertThrows(ActivityFailure.class, () -> repl.startReplication(StepInputs.replication(r),
          new BinlogCoordinates(source.binlogPosition()[0], 4, null)));
      assertTrue(f.getCause().getMessage().contains("13117") && f.getCause().getMessage().contains("parameter group"),
          f.getCause().getMessage());
      assertTrue(aurora.queryRows("SHOW REPLICA STATUS").isEmpty(), "nothing configured");
    }
  }

  @Test
  void autoPositionIsRefusedClearlyWhereTheTargetHasGtidsOff() {
    try (AuroraLikeMySql aurora = AuroraLikeMySql.start(new AuroraLikeMySql.Options().name("paths-aurora-nogtid")
        .config("replicate-wild-do-table=aurn.%"))) {
      MigrationRequest r = request("aurn", source, aurora);
      r.replication.gtidAutoPosition = true;
      repl.ensureReplicationUser(StepInputs.replication(r));
      ActivityFailure f = assertThrows(ActivityFailure.class, () -> repl.startReplication(StepInputs.replication(r),
          new BinlogCoordinates(source.binlogPosition()[0], 4, null)));
      assertTrue(f.getCause().getMessage().contains("gtid_mode=ON") && f.getCause().getMessage().contains("parameter group"),
          f.getCause().getMessage());
    }
  }
}
