package dev.migrator.adapters;

import dev.migrator.activities.StepInputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.activities.ReplicationActivities;
import dev.migrator.testkit.LocalServer;
import org.junit.jupiter.api.TestInstance;
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
 * Replication activities against two real servers of one engine (shared by the class; one
 * subclass per engine: {@link ReplicationOnMariaDbTest} MariaDB 10.11, {@link ReplicationOnMySqlTest} MySQL 9.7 with GTIDs on,
 * so the skip decision commits an empty transaction with the failed GTID): catch-up under a write
 * load, and every fault of the handbook injected for real, each classified and each resolved by
 * the action behind its decision. Each test works in its own schema.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReplicationOnRealServers {
  LocalServer source;
  LocalServer target;
  TestActivityEnvironment env;
  ReplicationActivities repl;

  /** A new server of the subclass's engine. */
  abstract LocalServer startServer(String name);

  @BeforeAll
  void start() {
    source = startServer("repl-src");
    target = startServer("repl-dst");
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new ReplicationActivitiesImpl(new Connector(new CredentialResolver())));
    repl = env.newActivityStub(ReplicationActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(3))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterAll
  void stop() {
    if (env != null) env.close();
    if (source != null) source.close();
    if (target != null) target.close();
  }

  static Endpoint endpoint(LocalServer db) {
    return db.endpoint();
  }

  /** "(1, 'row 1'), ..., (n, 'row n')". */
  static String rows(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) b.append(i > 1 ? ", " : "").append('(').append(i).append(", 'row ").append(i).append("')");
    return b.toString();
  }

  String stopSqlThread() {
    return target.isMariaDb() ? "STOP SLAVE SQL_THREAD" : "STOP REPLICA SQL_THREAD";
  }

  /** Same table and rows 1..20 on both sides; returns a request replicating {@code schema}. */
  MigrationRequest prepare(String schema) {
    for (LocalServer db : List.of(source, target)) {
      db.sql("SET SESSION sql_log_bin = 0", "DROP DATABASE IF EXISTS " + schema, "CREATE DATABASE " + schema,
          "CREATE TABLE " + schema + ".t (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB",
          "INSERT INTO " + schema + ".t VALUES " + rows(20));
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

  BinlogCoordinates sourcePosition() {
    String[] f = source.binlogPosition();
    return new BinlogCoordinates(f[0], Long.parseLong(f[1]), null);
  }

  /** Polls until caught up (no error allowed on the way); the bound is generous for a loaded machine. */
  LagReading awaitCaughtUp(MigrationRequest r) {
    LagReading l = repl.awaitCatchUp(StepInputs.replication(r), 180);
    assertNull(l.errorKind, () -> "unexpected replication error: " + l.diagnosis);
    assertTrue(l.caughtUp, () -> "not caught up: " + l.progress + " " + l.diagnosis);
    assertEquals(LagReading.CAUGHT_UP, l.progress);
    return l;
  }

  /** Polls until a replication error is reported. */
  LagReading awaitError(MigrationRequest r) {
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
    assertEquals(dev.migrator.model.ReplicationErrorKind.LOG_PURGED, l.errorKind);
    // MariaDB reports the source's 1236 as is; MySQL 8.0+ wraps it in its own 13114 ("Got fatal error 1236 ...").
    assertTrue(l.replica.lastIoErrno == 1236 || l.replica.lastIoErrno == 13114, "IO errno " + l.replica.lastIoErrno);
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
    assertEquals(dev.migrator.model.ReplicationErrorKind.IMPOSSIBLE_POSITION, l.errorKind, l.diagnosis);
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
    assertEquals(dev.migrator.model.ReplicationErrorKind.DUPLICATE_KEY, l.errorKind);
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
    assertEquals(dev.migrator.model.ReplicationErrorKind.MISSING_ROW, l.errorKind);
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
      assertEquals(dev.migrator.model.ReplicationErrorKind.ACCESS_DENIED, l.errorKind, l.diagnosis);
      assertEquals(1045, l.replica.lastIoErrno);
      assertTrue(l.diagnosis.contains("Fix the password"), l.diagnosis);
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
  void replicationAccountWithoutItsGrantsIsAccessDeniedWithTheGrantToRun() {
    MigrationRequest r = prepare("r_grants");
    repl.ensureReplicationUser(StepInputs.replication(r));
    source.sql("SET SESSION sql_log_bin = 0", "REVOKE REPLICATION SLAVE ON *.* FROM 'migrator_repl'@'%'");
    try {
      repl.startReplication(StepInputs.replication(r), sourcePosition());
      LagReading l = awaitError(r);
      assertEquals(dev.migrator.model.ReplicationErrorKind.ACCESS_DENIED, l.errorKind, l.diagnosis);
      assertTrue(l.diagnosis.contains("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.*"), l.diagnosis);
    } finally {
      source.sql("SET SESSION sql_log_bin = 0", "GRANT REPLICATION SLAVE ON *.* TO 'migrator_repl'@'%'");
    }
    repl.resumeReplication(StepInputs.replication(r));
    source.sql("INSERT INTO r_grants.t VALUES (310, 'after the grant')");
    awaitCaughtUp(r);
    assertEquals("after the grant", target.query("SELECT v FROM r_grants.t WHERE id = 310"));
    repl.stopAndResetReplication(StepInputs.replication(r));
  }

  /**
   * Issue 15: the rollback's "stop and reset replication on the target" leaves no replication
   * state there (MariaDB: gtid_slave_pos too), and the account migrator created is dropped at finish.
   */
  @Test
  void resetLeavesNoReplicationStateOnTheTargetAndTheAccountIsDropped() {
    MigrationRequest r = prepare("r_reset");
    repl.ensureReplicationUser(StepInputs.replication(r));
    repl.startReplication(StepInputs.replication(r), sourcePosition());
    source.sql("INSERT INTO r_reset.t VALUES (320, 'replicated')");
    awaitCaughtUp(r);
    String gtidSlavePos = "SELECT @@GLOBAL.gtid_slave_pos";
    if (target.isMariaDb()) assertTrue(!target.query(gtidSlavePos).isEmpty(), "the target applied the source's GTIDs");

    repl.stopAndResetReplication(StepInputs.replication(r));
    assertTrue(target.queryRows(target.isMariaDb() ? "SHOW SLAVE STATUS" : "SHOW REPLICA STATUS").isEmpty(),
        "no replica configured");
    if (target.isMariaDb()) {
      String pos = target.query(gtidSlavePos);
      assertTrue(pos == null || pos.isEmpty(), "gtid_slave_pos is empty: " + pos);
    }
    repl.dropReplicationUser(StepInputs.replication(r));
    assertEquals("0", source.query("SELECT COUNT(*) FROM mysql.user WHERE User = 'migrator_repl'"));
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
      // Issue 15: the status carries the outage in one line, with how often replication retries.
      assertTrue(during.note != null && during.note.matches("source unreachable for \\d+ s \\(.*ERROR 20\\d\\d.*\\);"
          + " replication retries every 1 s"), during.note);
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

    target.sql(stopSqlThread());
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

    target.sql(stopSqlThread());
    LagReading behind = repl.awaitCatchUp(StepInputs.replication(r), 3);
    assertTrue(behind.heartbeatLagMillis != null && behind.heartbeatLagMillis >= 1_000,
        "heartbeats wait while the SQL thread is stopped: " + behind.heartbeatLagMillis);
    repl.resumeReplication(StepInputs.replication(r));
    awaitCaughtUp(r);

    repl.stopAndResetReplication(StepInputs.replication(r));
    for (LocalServer db : List.of(source, target)) {
      assertNull(db.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'migrator_heartbeat'"),
          "heartbeat schema dropped on " + db.name());
    }
  }

  /**
   * Issue 15, events moved at cutover: the source's switch is unlogged (its binary log does not
   * move, so nothing replicates), each event ends enabled on exactly one server, and on the target
   * with a definer that exists there (the one it had when that account exists, else the migration
   * account, noted); a switch back leaves them as they were on the source.
   */
  @Test
  void eventsMoveAtCutoverUnloggedToExactlyOneServerWithADefinerThatExistsThere() {
    MigrationRequest r = prepare("r_events");
    String event = " ON SCHEDULE EVERY 1 DAY STARTS '2037-01-01 00:00:00' DO SET @x = 1";
    // ev_app exists on the source only; ev_both on both. On the target as the schema step leaves them: disabled.
    source.sql("SET SESSION sql_log_bin = 0", "CREATE USER IF NOT EXISTS 'ev_app'@'%'", "CREATE USER IF NOT EXISTS 'ev_both'@'%'",
        "CREATE DEFINER=`ev_app`@`%` EVENT r_events.missing" + event,
        "CREATE DEFINER=`ev_both`@`%` EVENT r_events.kept" + event);
    target.sql("SET SESSION sql_log_bin = 0", "CREATE USER IF NOT EXISTS 'ev_both'@'%'",
        "CREATE DEFINER=`ev_app`@`%` EVENT r_events.missing" + event.replace(" DO", " DISABLE DO"),
        "CREATE DEFINER=`ev_both`@`%` EVENT r_events.kept" + event.replace(" DO", " DISABLE DO"));
    List<String> events = List.of("r_events.kept", "r_events.missing");
    CutoverActivitiesImpl cutover = new CutoverActivitiesImpl(new Connector(new CredentialResolver()));
    repl.ensureReplicationUser(StepInputs.replication(r));
    repl.startReplication(StepInputs.replication(r), sourcePosition());
    awaitCaughtUp(r);

    // Before the source turns read-only, replication still running: the DISABLE is not binary-logged.
    String[] before = source.binlogPosition();
    List<String> notes = cutover.setEvents(StepInputs.cutover(r), "source", events, false);
    assertEquals(List.of(before[0], before[1]), List.of(source.binlogPosition()[0], source.binlogPosition()[1]),
        "the source's switch is not in its binary log: " + notes);
    assertEquals(List.of("DISABLED", "DISABLED"), status(source));
    awaitCaughtUp(r);
    repl.stopAndResetReplication(StepInputs.replication(r));

    String[] targetBefore = target.binlogPosition();
    notes = cutover.setEvents(StepInputs.cutover(r), "target", events, true);
    assertEquals(targetBefore[1], target.binlogPosition()[1], "unlogged on the target too (reverse replication)");
    assertEquals(List.of("ENABLED", "ENABLED"), status(target));
    assertEquals(List.of("DISABLED", "DISABLED"), status(source), "enabled on exactly one server");
    String me = target.query("SELECT CURRENT_USER()");
    assertEquals(List.of("ev_both@%", me), definers(target));
    for (String d : definers(target)) {
      assertEquals("1", target.query("SELECT COUNT(*) FROM mysql.user WHERE CONCAT(User, '@', Host) = '" + d + "'"),
          "definer " + d + " exists on the target");
    }
    assertTrue(notes.stream().anyMatch(n -> n.startsWith("event r_events.missing: its definer ev_app@% does not exist on"
        + " the target")), notes.toString());
    assertEquals(List.of("ev_both@%", "ev_app@%"), definers(source), "the source's definers are kept");

    // Switch back (rollback): the target's off first, then the source's on.
    cutover.setEvents(StepInputs.cutover(r), "target", events, false);
    cutover.setEvents(StepInputs.cutover(r), "source", events, true);
    assertEquals(List.of("DISABLED", "DISABLED"), status(target));
    assertEquals(List.of("ENABLED", "ENABLED"), status(source));
    assertEquals(List.of("ev_both@%", "ev_app@%"), definers(source));
  }

  static List<String> status(LocalServer db) {
    return db.queryRows("SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'r_events' ORDER BY EVENT_NAME");
  }

  static List<String> definers(LocalServer db) {
    return db.queryRows("SELECT DEFINER FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'r_events' ORDER BY EVENT_NAME");
  }
}
