package dev.migrator.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalServer;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.workflow.MigrationWorkflow;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replication errors during catch-up on real servers, through the whole workflow: the migration
 * pauses itself at catch-up with the handbook's diagnosis and the decisions that fit, and the
 * operator's decision (skip, rebuild) takes it to a completed cutover. One Temporal test server
 * and worker for the class; one pair of servers per test. The duplicate key (1062) runs on MariaDB
 * and on MySQL 9.7 to the Aurora-like MySQL 9.7 with GTIDs (skipped there by an empty transaction
 * through mysql.rds_skip_transaction_with_gtid or rds_skip_repl_error); the others on MariaDB.
 */
class ReplicationErrorsEndToEndTest {
  static TemporalAndWorker temporal;

  @BeforeAll
  static void startTemporal() {
    temporal = TemporalAndWorker.withWorker();
  }

  @AfterAll
  static void stop() {
    if (temporal != null) temporal.close();
  }

  static void loadShop(LocalServer source, int rows) {
    source.sql("CREATE DATABASE shop",
        "CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB",
        "INSERT INTO shop.t SELECT seq, REPEAT('x', 100) FROM "
            + (source.isMariaDb() ? "shop.seq_1_to_" + rows : Engines.seq(rows)));
  }

  static boolean pausedOnReplicationError(MigrationStatus s) {
    return s.paused && s.lag != null && s.lag.errorKind != null && !s.allowedDecisions.isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Engines.class, names = {"MARIADB", "MYSQL_GTID"})
  void conflictingRowOnTheTargetPausesWithDuplicateKeyAndSkipCompletesWithADriftWarning(Engines engines) throws Exception {
    try (Engines.Pair servers = engines.start("dup-" + engines.ordinal(), "shop")) {
      LocalServer source = servers.source();
      LocalServer target = servers.target();
      loadShop(source, 1000);
      try (WriteLoad load = WriteLoad.start(source, "shop", "ledger", "app", 5)) {
        MigrationRequest r = E2E.request(source, target, "shop");
        r.cutover.autoApprove = true;
        MigrationWorkflow wf = E2E.start(temporal.client(), "e2e-dup-" + engines.name(), r);
        E2E.await(wf, Duration.ofMinutes(5), s -> E2E.stepDone(s, "verify"));
        // Someone writes to the target, then the source writes the same key.
        target.sql("INSERT INTO shop.t VALUES (100000, 'written on the target')");
        source.sql("INSERT INTO shop.t VALUES (100000, 'from the source')");

        MigrationStatus paused = awaitPause(wf);
        assertEquals("catch-up", paused.currentStep);
        assertEquals(dev.migrator.model.ReplicationErrorKind.DUPLICATE_KEY, paused.lag.errorKind);
        assertTrue(paused.pausedReason.contains("1062") && paused.pausedReason.contains("drift"), paused.pausedReason);
        assertEquals(List.of("retry", "skip", "rebuild", "rollback"), dev.migrator.model.Decision.wires(paused.allowedDecisions));

        wf.decide("skip");
        MigrationResult result = E2E.result(wf, Duration.ofMinutes(5));
        assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
        assertTrue(result.status.warnings.stream().anyMatch(w -> w.contains("data drift") && w.contains("1062")),
            result.status.warnings.toString());
        assertTrue(load.writes() > 0);
      }
      assertEquals("written on the target", target.query("SELECT v FROM shop.t WHERE id = 100000"), "the drift");
      assertEquals(source.query("CHECKSUM TABLE shop.ledger"), target.query("CHECKSUM TABLE shop.ledger"),
          "everything else replicated");
      assertEquals(source.query("SELECT COUNT(*) FROM shop.t"), target.query("SELECT COUNT(*) FROM shop.t"));
    }
  }

  @Test
  void binlogsPurgedBeforeReplicationPauseWithLogPurgedAndRebuildCompletes() throws Exception {
    try (LocalMariaDb source = LocalMariaDb.start("purge-src"); LocalMariaDb target = LocalMariaDb.start("purge-dst")) {
      loadShop(source, 200_000);
      MigrationRequest r = E2E.request(source, target, "shop");
      r.copy.chunkRows = 200;
      r.cutover.autoApprove = true;
      MigrationWorkflow wf = E2E.start(temporal.client(), "e2e-purged", r);
      E2E.await(wf, Duration.ofMinutes(5), s -> s.steps.stream().anyMatch(x -> x.name.equals("copy")
          && "running".equals(x.state.wire())));
      wf.pause("test: purge the binlogs before replication starts");
      MigrationStatus held = E2E.await(wf, Duration.ofMinutes(5), s -> s.paused);
      assertTrue(held.steps.stream().noneMatch(x -> x.name.equals("replicate") && !"pending".equals(x.state.wire())),
          "paused before replicate");
      String snapshotFile = held.frozen.coordinates.file;
      source.sql("INSERT INTO shop.t VALUES (300000, 'lost with the purged binlog')");
      for (int i = 0; i < 50 && source.queryRows("SHOW BINARY LOGS").stream().anyMatch(l -> l.startsWith(snapshotFile)); i++) {
        source.sql("FLUSH BINARY LOGS");
        String current = source.queryRows("SHOW MASTER STATUS").get(0).split("\t")[0];
        source.sql("PURGE BINARY LOGS TO '" + current + "'");
        Thread.sleep(100);
      }
      wf.resume();

      MigrationStatus paused = awaitPause(wf);
      assertEquals("catch-up", paused.currentStep);
      assertEquals(dev.migrator.model.ReplicationErrorKind.LOG_PURGED, paused.lag.errorKind, paused.pausedReason);
      assertTrue(paused.pausedReason.contains("1236"), paused.pausedReason);
      assertEquals(List.of("retry", "rebuild", "rollback"), dev.migrator.model.Decision.wires(paused.allowedDecisions));

      wf.decide("rebuild");
      MigrationResult result = E2E.result(wf, Duration.ofMinutes(5));
      assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
      assertTrue(result.status.warnings.stream().anyMatch(w -> w.contains("rebuild 1 chosen after log-purged")),
          result.status.warnings.toString());
      assertEquals(Contents.of(source, "shop"), Contents.of(target, "shop"), "the rebuild copied the row the purge lost");
      assertEquals("lost with the purged binlog", target.query("SELECT v FROM shop.t WHERE id = 300000"));
    }
  }

  @Test
  void sourceRestartDuringCatchUpDoesNotPauseAndTheMigrationCompletes() throws Exception {
    try (LocalMariaDb source = LocalMariaDb.start("restart-src"); LocalMariaDb target = LocalMariaDb.start("restart-dst")) {
      loadShop(source, 1000);
      MigrationRequest r = E2E.request(source, target, "shop");
      r.replication.connectRetrySeconds = 1;
      r.cutover.autoApprove = true;
      MigrationWorkflow wf = E2E.start(temporal.client(), "e2e-restart", r);
      E2E.await(wf, Duration.ofMinutes(5), s -> E2E.stepDone(s, "verify"));
      // Keep catch-up from finishing while the source is away: a target session holds a row lock
      // that a replicated UPDATE needs (a "slow" event, not an error).
      try (java.sql.Connection holder = target.connect(); java.sql.Statement st = holder.createStatement()) {
        holder.setAutoCommit(false);
        st.executeQuery("SELECT * FROM shop.t WHERE id = 5 FOR UPDATE").close();
        source.sql("UPDATE shop.t SET v = 'after the restart' WHERE id = 5");
        E2E.await(wf, Duration.ofMinutes(2), s -> s.steps.stream().anyMatch(x -> x.name.equals("catch-up")
            && "running".equals(x.state.wire())));
        source.stop();
        Thread.sleep(3000);
        MigrationStatus during = wf.status();
        assertTrue(!during.paused && dev.migrator.model.Phase.RUNNING == during.phase, "no pause while the source is down: "
            + during.pausedReason);
        source.restart();
        Thread.sleep(1000);
        holder.rollback();
      }
      MigrationResult result = E2E.result(wf, Duration.ofMinutes(5)); // fails fast on any pause
      assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
      assertEquals("after the restart", target.query("SELECT v FROM shop.t WHERE id = 5"));
      assertEquals(source.query("CHECKSUM TABLE shop.t"), target.query("CHECKSUM TABLE shop.t"));
    }
  }

  static MigrationStatus awaitPause(MigrationWorkflow wf) {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      MigrationStatus s = wf.status();
      if (pausedOnReplicationError(s)) return s;
      if (dev.migrator.model.Phase.RUNNING != s.phase && dev.migrator.model.Phase.PAUSED != s.phase) throw new AssertionError("ended: " + s.phase + " " + s.error);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("never paused on a replication error");
  }
}
