package dev.migrator.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalServer;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.testkit.temporal.WorkerProcess;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.workflow.MigrationWorkflow;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A crash at every step: the worker process is SIGKILLed while the migration stands at the start
 * of each step (a pauseBefore breakpoint, so the kill lands exactly there), a new worker process
 * takes over, the migration is resumed and completes with equal contents while the application
 * keeps writing to the source. Kills in the middle of a running step are covered by
 * WorkerCrashTest (live copy, and the clone freeze on MySQL) and FrozenCopyEndToEndTest (chunked copy).
 *
 * <p>Every step on MariaDB to MariaDB; on MySQL 9.7 to the Aurora-like MySQL 9.7 (GTID on) a lean
 * subset, to keep the suite under 30 minutes: the steps whose activities take a different path on
 * MySQL and the RDS procedures, where a restarted worker must find what the first one left:
 * {@code freeze} (the snapshot's coordinates with the GTID set), {@code replicate} (gtid_purged and
 * the channel set up through mysql.rds_* by the admin user without SUPER), {@code cutover} (the
 * source made read-only, the drain by GTID, the target made writable). The other steps run the same
 * dialect-free code on both engines (retention, schema, copy, verify, release, catch-up, approve,
 * finish) and are covered by the MariaDB cases.
 */
class CrashMatrixTest {
  static TemporalAndWorker temporal;
  static Engines.Pair maria;

  @BeforeAll
  static void start() {
    temporal = TemporalAndWorker.withoutWorker();
    maria = Engines.MARIADB.start("crash-matrix", "shop");
    loadItems(maria.source());
  }

  @AfterAll
  static void stop() {
    if (temporal != null) temporal.close();
    if (maria != null) maria.close();
  }

  static void loadItems(LocalServer source) {
    source.sql("CREATE DATABASE shop",
        "CREATE TABLE shop.items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40), price DECIMAL(8,2))",
        "INSERT INTO shop.items (name, price) SELECT CONCAT('item ', seq), seq / 3 FROM " + Engines.seq(2000));
  }

  @ParameterizedTest(name = "MariaDB: worker killed at the start of {0}")
  @ValueSource(strings = {"retention", "freeze", "schema", "copy", "verify", "release", "replicate", "catch-up",
      "approve", "cutover", "finish"})
  void aNewWorkerCompletesTheMigration(String step) throws Exception {
    crashAt(maria, step, "crash-at-" + step);
    // Ready for the next case: a fresh target, a writable source without our account.
    maria.target().sql("DROP DATABASE shop");
    maria.source().sql("SET GLOBAL read_only = OFF", "DROP USER IF EXISTS 'migrator_repl'@'%'");
  }

  @ParameterizedTest(name = "MySQL 9.7 -> Aurora-like, GTID on: worker killed at the start of {0}")
  @ValueSource(strings = {"freeze", "replicate", "cutover"})
  void onMySqlANewWorkerCompletesTheMigration(String step) throws Exception {
    // A fresh pair per case: the target's GTID state is part of what the migration sets up.
    try (Engines.Pair servers = Engines.MYSQL_GTID.start("crash-my-" + step.charAt(0), "shop")) {
      loadItems(servers.source());
      crashAt(servers, step, "crash-my-at-" + step);
    }
  }

  private void crashAt(Engines.Pair servers, String step, String id) throws Exception {
    try (WriteLoad load = WriteLoad.start(servers.source(), "shop", "app_ledger", "app", 5)) {
      MigrationRequest r = E2E.request(servers, "shop");
      r.cutover.autoApprove = true;
      r.pauseBefore = List.of(step);
      MigrationWorkflow wf;
      try (WorkerProcess first = temporal.workerProcess()) {
        wf = E2E.start(temporal.client(), id, r);
        E2E.await(wf, Duration.ofMinutes(3), s -> s.pausedReason != null && s.pausedReason.startsWith("breakpoint"));
        first.kill();
      }
      try (WorkerProcess second = temporal.workerProcess()) {
        wf.resume();
        MigrationResult result = E2E.result(wf, Duration.ofMinutes(3));
        assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
      }
    }
    assertEquals(Contents.of(servers.source(), "shop"), Contents.of(servers.target(), "shop"));
  }
}
