package dev.migrator.adapters;

import dev.migrator.activities.StepInputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.activities.ReplicationActivities;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Endpoint;
import dev.migrator.model.LagReading;
import dev.migrator.model.MigrationRequest;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replication activities against two real MariaDB 10.11 servers (shared by the class): catch-up
 * under a write load, and every fault of the handbook injected for real, each classified and each
 * resolved by the action behind its decision. Each test works in its own schema.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicationOnRealServersTest {
  static LocalMariaDb source;
  static LocalMariaDb target;
  static TestActivityEnvironment env;
  static ReplicationActivities repl;

  @BeforeAll
  static void start() {
    source = LocalMariaDb.start("repl-src");
    target = LocalMariaDb.start("repl-dst");
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new ReplicationActivitiesImpl(new Connector(new CredentialResolver())));
    repl = env.newActivityStub(ReplicationActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(3))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterAll
  static void stop() {
    if (env != null) env.close();
    if (source != null) source.close();
    if (target != null) target.close();
  }

  static Endpoint endpoint(LocalMariaDb db) {
    return new Endpoint(db.host(), db.port(), "root", db.rootPasswordRef());
  }

  /** Same table and rows 1..20 on both sides; returns a request replicating {@code schema}. */
  static MigrationRequest prepare(String schema) {
    for (LocalMariaDb db : List.of(source, target)) {
      db.sql("SET SESSION sql_log_bin = 0", "DROP DATABASE IF EXISTS " + schema, "CREATE DATABASE " + schema,
          "CREATE TABLE " + schema + ".t (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB",
          "INSERT INTO " + schema + ".t SELECT seq, CONCAT('row ', seq) FROM " + schema + ".seq_1_to_20");
    }
    MigrationRequest r = new MigrationRequest();
    r.migrationId = schema;
    r.source = endpoint(source);
    r.target = endpoint(target);
    r.schemas.add(schema);
    r.replication.password = source.rootPasswordRef();
    r.replication.pollSeconds = 1;
    r.replication.connectRetrySeconds = 1;
    return r;
  }

  static BinlogCoordinates sourcePosition() {
    String[] f = source.queryRows("SHOW MASTER STATUS").get(0).split("\t");
    return new BinlogCoordinates(f[0], Long.parseLong(f[1]), null);
  }

  /** Polls until caught up (no error allowed on the way). */
  static LagReading awaitCaughtUp(MigrationRequest r) {
    LagReading l = repl.awaitCatchUp(StepInputs.replication(r), 60);
    assertNull(l.errorKind, () -> "unexpected replication error: " + l.diagnosis);
    assertTrue(l.caughtUp, () -> "not caught up: " + l.progress + " " + l.diagnosis);
    assertEquals(LagReading.CAUGHT_UP, l.progress);
    return l;
  }

  /** Polls until a replication error is reported. */
  static LagReading awaitError(MigrationRequest r) {
    LagReading l = repl.awaitCatchUp(StepInputs.replication(r), 60);
    assertNotNull(l.errorKind, () -> "no error reported: " + l.progress + " " + l.diagnosis + "; executed "
        + l.replica.executed() + " io " + l.replica.ioFile + ":" + l.replica.ioPosition + " source " + l.sourcePosition
        + " binlogs " + source.queryRows("SHOW BINARY LOGS"));
    assertEquals(LagReading.ERROR, l.progress);
    return l;
  }

  @Test
  void catchesUpUnderAContinuousWriteLoad() {
    MigrationRequest r = prepare("r_load");
    repl.ensureReplicationUser(StepInputs.replication(r));
    repl.startReplication(StepInputs.replication(r), sourcePosition());
    try (WriteLoad load = WriteLoad.start(source, "r_load", "orders", "r_load_app", 5)) {
      // The load's table is created on the source after the start position: it replicates too.
      LagReading l = awaitCaughtUp(r);
      assertTrue(load.writes() > 0);
      assertNotNull(l.replica.secondsBehind);
    }
    awaitCaughtUp(r);
    assertEquals(source.query("CHECKSUM TABLE r_load.orders"), target.query("CHECKSUM TABLE r_load.orders"));
    repl.stopAndResetReplication(StepInputs.replication(r));
  }

  @Test
  void purgedBinlogIsLogPurged() throws InterruptedException {
    MigrationRequest r = prepare("r_purged");
    repl.ensureReplicationUser(StepInputs.replication(r));
    source.sql("FLUSH BINARY LOGS");
    BinlogCoordinates from = sourcePosition();
    source.sql("INSERT INTO r_purged.t VALUES (100, 'lost')", "FLUSH BINARY LOGS");
    // MariaDB keeps a file until its binlog checkpoint is written: purge until it is gone.
    for (int i = 0; i < 50 && source.queryRows("SHOW BINARY LOGS").stream().anyMatch(l -> l.startsWith(from.file)); i++) {
      source.sql("FLUSH BINARY LOGS", "PURGE BINARY LOGS TO '" + sourcePosition().file + "'");
      Thread.sleep(100);
    }
    repl.startReplication(StepInputs.replication(r), from);

    LagReading l = awaitError(r);
    assertEquals("log-purged", l.errorKind);
    assertEquals(1236, l.replica.lastIoErrno);
    assertTrue(l.diagnosis.contains("Rebuild"), l.diagnosis);
    repl.stopAndResetReplication(StepInputs.replication(r));
  }

  @Test
  void impossiblePositionIsMovedToTheNextLog() {
    MigrationRequest r = prepare("r_impossible");
    repl.ensureReplicationUser(StepInputs.replication(r));
    source.sql("FLUSH BINARY LOGS");
    String closed = sourcePosition().file;
    source.sql("FLUSH BINARY LOGS");
    // A position beyond the end of a closed file: what a source crash leaves behind.
    repl.startReplication(StepInputs.replication(r), new BinlogCoordinates(closed, 999_999, null));

    LagReading l = awaitError(r);
    assertEquals("impossible-position", l.errorKind, l.diagnosis);
    BinlogCoordinates moved = repl.moveToNextLog(StepInputs.replication(r));
    assertEquals(4, moved.position);
    source.sql("INSERT INTO r_impossible.t VALUES (101, 'after the move')");
    awaitCaughtUp(r);
    assertEquals("after the move", target.query("SELECT v FROM r_impossible.t WHERE id = 101"));
    repl.stopAndResetReplication(StepInputs.replication(r));
  }

  @Test
  void duplicateRowWrittenOnTheTargetIsDuplicateKeyAndSkipDrifts() {
    MigrationRequest r = prepare("r_dup");
    repl.ensureReplicationUser(StepInputs.replication(r));
    repl.startReplication(StepInputs.replication(r), sourcePosition());
    awaitCaughtUp(r);
    target.sql("INSERT INTO r_dup.t VALUES (500, 'written on the target')");
    source.sql("INSERT INTO r_dup.t VALUES (500, 'from the source')", "INSERT INTO r_dup.t VALUES (501, 'next')");

    LagReading l = awaitError(r);
    assertEquals("duplicate-key", l.errorKind);
    assertEquals(1062, l.replica.lastSqlErrno);
    assertTrue(l.diagnosis.contains("drift"), l.diagnosis);
    String skipped = repl.skipReplicationEvent(StepInputs.replication(r));
    assertTrue(skipped.startsWith("ERROR 1062"), skipped);
    awaitCaughtUp(r);
    assertEquals("written on the target", target.query("SELECT v FROM r_dup.t WHERE id = 500"), "drift stays");
    assertEquals("next", target.query("SELECT v FROM r_dup.t WHERE id = 501"), "replication went on");
    repl.stopAndResetReplication(StepInputs.replication(r));
  }

  @Test
  void rowDeletedOnTheTargetIsMissingRowAndRetryAfterTheFixResumes() {
    MigrationRequest r = prepare("r_missing");
    repl.ensureReplicationUser(StepInputs.replication(r));
    repl.startReplication(StepInputs.replication(r), sourcePosition());
    awaitCaughtUp(r);
    target.sql("DELETE FROM r_missing.t WHERE id = 7");
    source.sql("UPDATE r_missing.t SET v = 'updated' WHERE id = 7");

    LagReading l = awaitError(r);
    assertEquals("missing-row", l.errorKind);
    assertEquals(1032, l.replica.lastSqlErrno);
    // The operator puts the row back (handbook: recreate the missing row), then decides "retry".
    target.sql("INSERT INTO r_missing.t VALUES (7, 'row 7')");
    repl.resumeReplication(StepInputs.replication(r));
    awaitCaughtUp(r);
    assertEquals("updated", target.query("SELECT v FROM r_missing.t WHERE id = 7"));
    repl.stopAndResetReplication(StepInputs.replication(r));
  }

  @Test
  void wrongReplicationPasswordIsAccessDeniedAndRetryAfterTheFixResumes() throws Exception {
    MigrationRequest r = prepare("r_denied");
    repl.ensureReplicationUser(StepInputs.replication(r));
    String right = source.rootPassword();
    source.sql("SET SESSION sql_log_bin = 0", "ALTER USER 'migrator_repl'@'%' IDENTIFIED BY 'not-the-configured-one'");
    try {
      repl.startReplication(StepInputs.replication(r), sourcePosition());
      LagReading l = awaitError(r);
      assertEquals("access-denied", l.errorKind, l.diagnosis);
      assertEquals(1045, l.replica.lastIoErrno);
    } finally {
      source.sql("SET SESSION sql_log_bin = 0", "ALTER USER 'migrator_repl'@'%' IDENTIFIED BY '" + right + "'");
    }
    repl.resumeReplication(StepInputs.replication(r));
    source.sql("INSERT INTO r_denied.t VALUES (300, 'after the fix')");
    awaitCaughtUp(r);
    assertEquals("after the fix", target.query("SELECT v FROM r_denied.t WHERE id = 300"));
    repl.stopAndResetReplication(StepInputs.replication(r));
  }

  @Test
  void sourceStoppedAndRestartedIsReconnectingNotAnError() {
    MigrationRequest r = prepare("r_restart");
    repl.ensureReplicationUser(StepInputs.replication(r));
    repl.startReplication(StepInputs.replication(r), sourcePosition());
    awaitCaughtUp(r);
    source.stop();
    try {
      LagReading during = repl.awaitCatchUp(StepInputs.replication(r), 4);
      assertNull(during.errorKind, during.diagnosis);
      assertTrue(during.diagnosis != null && during.diagnosis.contains("source unreachable"), during.diagnosis);
      assertTrue(during.replica.lastIoErrno == 0 || during.replica.lastIoErrno == 2003
          || during.replica.lastIoErrno == 2013, "IO error " + during.replica.lastIoErrno);
    } finally {
      source.restart();
    }
    source.sql("INSERT INTO r_restart.t VALUES (400, 'after the restart')");
    awaitCaughtUp(r);
    assertEquals("after the restart", target.query("SELECT v FROM r_restart.t WHERE id = 400"));
    repl.stopAndResetReplication(StepInputs.replication(r));
  }

  @Test
  void replicatedEventWaitingForALockIsSlowAndAStoppedSqlThreadIsStuck() throws Exception {
    MigrationRequest r = prepare("r_slow");
    repl.ensureReplicationUser(StepInputs.replication(r));
    repl.startReplication(StepInputs.replication(r), sourcePosition());
    awaitCaughtUp(r);
    try (Connection holder = target.connect(); Statement s = holder.createStatement()) {
      holder.setAutoCommit(false);
      s.executeQuery("SELECT * FROM r_slow.t WHERE id = 5 FOR UPDATE").close();
      source.sql("UPDATE r_slow.t SET v = 'waits for the lock' WHERE id = 5");
      LagReading l = null;
      for (int i = 0; i < 5 && (l == null || !LagReading.SLOW.equals(l.progress)); i++) l = repl.awaitCatchUp(StepInputs.replication(r), 3);
      assertEquals(LagReading.SLOW, l.progress, l.diagnosis);
      assertTrue(l.diagnosis.startsWith("slow: long-running event"), l.diagnosis);
      assertTrue(l.diagnosis.contains("waits for a lock"), l.diagnosis);
      holder.rollback();
    }
    awaitCaughtUp(r);
    assertEquals("waits for the lock", target.query("SELECT v FROM r_slow.t WHERE id = 5"));

    target.sql("STOP SLAVE SQL_THREAD");
    source.sql("INSERT INTO r_slow.t VALUES (600, 'not applied')");
    LagReading stuck = repl.awaitCatchUp(StepInputs.replication(r), 3);
    assertEquals(LagReading.STUCK, stuck.progress, stuck.diagnosis);
    assertTrue(stuck.diagnosis.startsWith("stuck:"), stuck.diagnosis);
    repl.resumeReplication(StepInputs.replication(r));
    awaitCaughtUp(r);
    repl.stopAndResetReplication(StepInputs.replication(r));
  }

  @Test
  void heartbeatGivesEndToEndLagAndIsDroppedWithReplication() {
    MigrationRequest r = prepare("r_hb");
    r.replication.heartbeat = true;
    repl.ensureReplicationUser(StepInputs.replication(r));
    repl.startReplication(StepInputs.replication(r), sourcePosition());
    LagReading l = awaitCaughtUp(r);
    assertNotNull(l.heartbeatLagMillis, "the heartbeat arrived");
    assertTrue(l.heartbeatLagMillis < 5_000, "lag " + l.heartbeatLagMillis);

    target.sql("STOP SLAVE SQL_THREAD");
    LagReading behind = repl.awaitCatchUp(StepInputs.replication(r), 3);
    assertTrue(behind.heartbeatLagMillis != null && behind.heartbeatLagMillis >= 1_000,
        "heartbeats wait while the SQL thread is stopped: " + behind.heartbeatLagMillis);
    repl.resumeReplication(StepInputs.replication(r));
    awaitCaughtUp(r);

    repl.stopAndResetReplication(StepInputs.replication(r));
    for (LocalMariaDb db : List.of(source, target)) {
      assertNull(db.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'migrator_heartbeat'"),
          "heartbeat schema dropped on " + db.name());
    }
  }

  @Test
  void rdsTargetIsConfiguredAndSteeredThroughTheRdsProcedures() throws Exception {
    installRdsProcedures(target);
    MigrationRequest r = prepare("r_rds");
    r.target.flavor = "rds-mysql";
    repl.ensureReplicationUser(StepInputs.replication(r));
    // On RDS the filter lives in the parameter group: without it, setup refuses with the advice.
    target.sql("SET GLOBAL replicate_wild_do_table = ''");
    BinlogCoordinates from = sourcePosition();
    try {
      repl.startReplication(StepInputs.replication(r), from);
      throw new AssertionError("an RDS target without a replication filter must be refused");
    } catch (io.temporal.failure.ActivityFailure e) {
      assertTrue(String.valueOf(e.getCause().getMessage()).contains("parameter group"), e.getCause().getMessage());
    }
    target.sql("SET GLOBAL replicate_wild_do_table = 'r\\\\_rds.%'"); // what the parameter group would set
    try {
      repl.startReplication(StepInputs.replication(r), from);
      awaitCaughtUp(r);
      target.sql("INSERT INTO r_rds.t VALUES (700, 'on the target')");
      source.sql("INSERT INTO r_rds.t VALUES (700, 'on the source')", "INSERT INTO r_rds.t VALUES (701, 'next')");
      assertEquals("duplicate-key", awaitError(r).errorKind);
      repl.skipReplicationEvent(StepInputs.replication(r)); // mysql.rds_skip_repl_error
      awaitCaughtUp(r);
      assertEquals("next", target.query("SELECT v FROM r_rds.t WHERE id = 701"));
      repl.stopAndResetReplication(StepInputs.replication(r)); // rds_stop_replication + rds_reset_external_master
      assertTrue(target.queryRows("SHOW SLAVE STATUS").isEmpty(), "replication forgotten");
    } finally {
      target.sql("SET GLOBAL replicate_wild_do_table = ''");
    }
  }

  /** Installs the stand-ins of the mysql.rds_* procedures (test fixture rds-procedures.sql). */
  static void installRdsProcedures(LocalMariaDb db) throws Exception {
    String sql;
    try (var in = ReplicationOnRealServersTest.class.getResourceAsStream("/rds-procedures.sql")) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      for (String part : sql.split("(?m)^\\$\\$\\s*$")) {
        String body = part.lines().filter(x -> !x.startsWith("--")).reduce("", (a, b) -> a + b + "\n").trim();
        if (!body.isEmpty()) s.execute(body);
      }
    }
  }
}
