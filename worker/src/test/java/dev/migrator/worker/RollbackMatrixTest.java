package dev.migrator.worker;

import dev.migrator.testkit.temporal.TemporalTestServerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.workflow.MigrationWorkflow;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The handbook: "If any rollback procedure has not been tested successfully, assume that it will
 * not work." For every step, the migration stops right after it (a breakpoint before the next
 * step, or the grace period after cutover), is rolled back, and must leave the source unchanged
 * (apart from the application's own writes), writable and free of replication and of accounts the
 * migration created, and the target without the migrated schema or replication.
 */
class RollbackMatrixTest {
  static TemporalTestServerProcess temporal;
  static MigratorWorker worker;
  static LocalMariaDb source;
  static LocalMariaDb target;
  static String sourceBefore;

  @BeforeAll
  static void start() {
    temporal = TemporalTestServerProcess.start();
    worker = MigratorWorker.start(new WorkerConfig().target(temporal.target()).noSticky());
    source = LocalMariaDb.start("matrix-src");
    target = LocalMariaDb.start("matrix-dst");
    source.sql("CREATE DATABASE shop",
        "CREATE TABLE shop.customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) CHARACTER SET utf8mb4, since DATE)",
        "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2),"
            + " FOREIGN KEY (customer_id) REFERENCES shop.customers(id))",
        "INSERT INTO shop.customers (name, since) SELECT CONCAT('c', seq, ' \u00e9\u00e8'), '2020-01-01' + INTERVAL seq DAY"
            + " FROM shop.seq_1_to_300",
        "INSERT INTO shop.orders (customer_id, total) SELECT 1 + seq % 300, seq / 7 FROM shop.seq_1_to_900");
    sourceBefore = migratedContents(source);
  }

  @AfterAll
  static void stop() {
    if (worker != null) worker.close();
    if (temporal != null) temporal.close();
    if (source != null) source.close();
    if (target != null) target.close();
  }

  /** Every table but the application's ledger, which the load keeps changing. */
  static String migratedContents(LocalMariaDb db) {
    return Contents.of(db, "shop").lines().filter(l -> !l.startsWith("app_ledger")).collect(Collectors.joining("\n"));
  }

  @ParameterizedTest(name = "rollback right after {0}")
  @ValueSource(strings = {"preflight", "retention", "freeze", "schema", "copy", "verify", "release", "replicate",
      "catch-up", "approve", "cutover"})
  void rollbackRightAfter(String step) throws Exception {
    List<String> order = List.of("preflight", "retention", "freeze", "schema", "copy", "verify", "release",
        "replicate", "catch-up", "approve", "cutover", "finish");
    String next = order.get(order.indexOf(step) + 1);
    try (WriteLoad load = WriteLoad.start(source, "shop", "app_ledger", "app", 5)) {
      MigrationRequest r = E2E.request(source, target, "shop");
      r.cutover.autoApprove = true;
      r.cutover.reverseReplication = true;
      if ("finish".equals(next)) {
        r.cutover.gracePeriodSeconds = 600;
      } else {
        r.pauseBefore = List.of(next);
      }
      MigrationWorkflow wf = E2E.start(worker.client(), "matrix-" + step, r);
      E2E.await(wf, Duration.ofMinutes(3), s -> s.pausedReason != null
          && (s.pausedReason.startsWith("breakpoint") || s.pausedReason.startsWith("grace period")));
      assertTrue(E2E.stepDone(wf.status(), step), step + " is done");
      wf.rollback("rollback matrix: right after " + step);
      MigrationResult result = E2E.result(wf, Duration.ofMinutes(3));
      assertEquals(MigrationResult.ROLLED_BACK, result.outcome);
      assertTrue(result.status.shadow.stream().allMatch(c -> "done".equals(c.state.wire())),
          () -> "shadow checklist: " + result.status.shadow.stream().map(c -> c.action + "=" + c.state).toList());
    }
    // The source: unchanged, writable, no replication, no account of ours.
    assertEquals(sourceBefore, migratedContents(source));
    assertEquals("0", source.query("SELECT @@global.read_only"));
    assertTrue(source.queryRows("SHOW SLAVE STATUS").isEmpty());
    assertNull(source.query("SELECT User FROM mysql.user WHERE User = 'migrator_repl'"));
    assertEquals("1", source.query("SELECT @@global.auto_increment_increment"));
    // The target: nothing of the migration left.
    assertTrue(target.queryRows("SHOW SLAVE STATUS").isEmpty());
    assertNull(target.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'shop'"));
    assertNull(target.query("SELECT User FROM mysql.user WHERE User = 'migrator_repl'"));
    // A rollback after cutover leaves the target read-only (it stopped taking writes); reset for the next case.
    target.sql("SET GLOBAL read_only = OFF");
  }
}
