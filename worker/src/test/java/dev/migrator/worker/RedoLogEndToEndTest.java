package dev.migrator.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.StepState;
import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.workflow.MigrationWorkflow;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * copy.disableRedoLog end to end (issue 18): MySQL 9.7 to a self-managed MySQL 9.7 target; the
 * copy runs with the target's redo log off, it is on again afterwards, and the contents are equal.
 */
class RedoLogEndToEndTest {
  @Test
  void copiesWithTheTargetRedoLogOffAndTurnsItBackOn() throws Exception {
    Engines.MYSQL_GTID.assumeInstalled();
    CompletableFuture<LocalMySql> a = CompletableFuture.supplyAsync(() -> LocalMySql.start("redo-e2e-src"));
    CompletableFuture<LocalMySql> b = CompletableFuture.supplyAsync(() -> LocalMySql.start("redo-e2e-dst"));
    try (LocalMySql source = a.join(); LocalMySql target = b.join(); TemporalAndWorker temporal = TemporalAndWorker.withWorker()) {
      source.sql("CREATE DATABASE shop",
          "CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(40), KEY by_name (name))",
          "CREATE TABLE shop.orders (id INT PRIMARY KEY, customer INT, total DECIMAL(10,2))",
          "INSERT INTO shop.customers WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
              + " SELECT i, CONCAT('c', i) FROM n",
          "INSERT INTO shop.orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
              + " SELECT i, 1 + i % 700, i / 7 FROM n");
      MigrationRequest r = E2E.request(source, target, "shop");
      r.replication.gtidAutoPosition = true;
      r.copy.disableRedoLog = true;
      r.copy.deferSecondaryIndexes = true;
      r.cutover.autoApprove = true;
      MigrationWorkflow wf = E2E.start(temporal.client(), "e2e-redo-log", r);
      MigrationResult result = E2E.result(wf, Duration.ofMinutes(5));

      assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
      StepState copy = result.status.steps.stream().filter(s -> s.name.equals("copy")).findFirst().orElseThrow();
      assertTrue(copy.detail.contains("target redo log was off during the copy, redo log enabled"), copy.detail);
      assertEquals("ON", target.query("SELECT VARIABLE_VALUE FROM performance_schema.global_status"
          + " WHERE VARIABLE_NAME = 'Innodb_redo_log_enabled'"));
      assertEquals(Contents.of(source, "shop"), Contents.of(target, "shop"));
    }
  }
}
