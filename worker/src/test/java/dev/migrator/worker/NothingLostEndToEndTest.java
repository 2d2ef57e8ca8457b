package dev.migrator.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.TrafficSwitch;
import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.temporal.TemporalTestServerProcess;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.client.WorkflowUpdateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Nothing lost, nothing destroyed" through the whole workflow on real MariaDB servers (whose
 * READ_ONLY ADMIN writes through read_only, as MariaDB 10.11's root does): a privileged writer
 * through the cutover loses no acknowledged write, whether the cutover holds it off with a global
 * read lock or pauses naming it; data-protecting findings cannot be skipped and the rollback leaves
 * every schema it did not create; the target refuses application writes while it replicates; a
 * replication error while waiting for approval pauses with decisions and approval is refused.
 */
class NothingLostEndToEndTest {
  static TemporalTestServerProcess temporal;
  static MigratorWorker worker;
  static final String PASSWORD = "writer-pw-7";

  @BeforeAll
  static void startTemporal() {
    temporal = TemporalTestServerProcess.start();
    worker = MigratorWorker.start(new WorkerConfig().target(temporal.target()).noSticky());
  }

  @AfterAll
  static void stop() {
    if (worker != null) worker.close();
    if (temporal != null) temporal.close();
  }

  static void loadShop(LocalMariaDb source) {
    source.sql("CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(100)) ENGINE=InnoDB",
        "INSERT INTO shop.t SELECT seq, REPEAT('x', 50) FROM shop.seq_1_to_2000");
    AcknowledgedWriter.createTable(source);
  }

  static MigrationRequest cutoverWithTrafficSwitch(LocalMariaDb source, LocalMariaDb target, Path switchFile) {
    MigrationRequest r = E2E.request(source, target, "shop");
    r.cutover.autoApprove = true;
    r.cutover.trafficSwitch = new TrafficSwitch();
    r.cutover.trafficSwitch.type = "command";
    r.cutover.trafficSwitch.command = "touch '" + switchFile + "'";
    r.cutover.trafficSwitch.undoCommand = "rm -f '" + switchFile + "'";
    return r;
  }

  static Set<Long> seqsOn(LocalMariaDb db) {
    Set<Long> out = new HashSet<>();
    for (String s : db.queryRows("SELECT seq FROM shop.ledger")) out.add(Long.parseLong(s));
    return out;
  }

  static void assertNothingLost(AcknowledgedWriter w, LocalMariaDb finalPrimary) {
    Set<Long> acked = w.acknowledged();
    Set<Long> there = seqsOn(finalPrimary);
    Set<Long> lost = new HashSet<>(acked);
    lost.removeAll(there);
    assertTrue(lost.isEmpty(), lost.size() + " of " + acked.size() + " acknowledged writes are not on the final"
        + " primary: " + lost.stream().sorted().limit(20).toList());
    assertTrue(w.writesOnSource() > 20 && w.writesOnTarget() > 5, "it wrote before and after the cutover: source "
        + w.writesOnSource() + ", target " + w.writesOnTarget() + " (" + w.lastError() + ")");
  }

  /** Waits on the status without failing on a pause (some tests wait for one). */
  static MigrationStatus awaitStatus(MigrationWorkflow wf, Duration timeout, Predicate<MigrationStatus> until) {
    long deadline = System.nanoTime() + timeout.toNanos();
    MigrationStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = wf.status();
        if (until.test(last)) return last;
      } catch (RuntimeException notYet) {
        // not yet queryable
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("not reached in " + timeout + "; last: phase=" + (last == null ? null : last.phase
        + " step=" + last.currentStep + " reason=" + last.pausedReason));
  }

  @Test
  void aPrivilegedWriterThroughTheCutoverLosesNothingHeldByTheGlobalReadLock() throws Exception {
    try (LocalMariaDb source = LocalMariaDb.start("nl-lock-src"); LocalMariaDb target = LocalMariaDb.start("nl-lock-dst")) {
      loadShop(source);
      AcknowledgedWriter.createAccount(List.of(source, target), "boss", PASSWORD, true);
      Path switched = Files.createTempDirectory("nl-lock").resolve("switched");
      MigrationResult result;
      AcknowledgedWriter w = new AcknowledgedWriter(source, target, "boss", PASSWORD, switched, 20);
      try {
        MigrationWorkflow wf = E2E.start(worker.client(), "e2e-nl-lock", cutoverWithTrafficSwitch(source, target, switched));
        result = E2E.result(wf, Duration.ofMinutes(5));
        long after = w.writesOnTarget();
        while (w.writesOnTarget() < after + 10) Thread.sleep(20);
      } finally {
        w.close();
      }
      assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
      assertTrue(result.status.cutover.sourceStoppedBy.contains("global read lock"), result.status.cutover.sourceStoppedBy);
      assertNothingLost(w, target);
      assertEquals(0, seqsOn(source).stream().filter(s -> !seqsOn(target).contains(s)).count(),
          "nothing on the old source alone");
      assertEquals(Contents.of(source, "shop").replaceAll("(?m)^ledger .*$", ""),
          Contents.of(target, "shop").replaceAll("(?m)^ledger .*$", ""), "the other tables are equal");
    }
  }

  @Test
  void aPrivilegedWriterWithoutTheLockPausesTheCutoverNamingItAndNothingIsLost() throws Exception {
    try (LocalMariaDb source = LocalMariaDb.start("nl-move-src"); LocalMariaDb target = LocalMariaDb.start("nl-move-dst")) {
      loadShop(source);
      AcknowledgedWriter.createAccount(List.of(source, target), "boss", PASSWORD, true);
      Path switched = Files.createTempDirectory("nl-move").resolve("switched");
      MigrationResult result;
      AcknowledgedWriter w = new AcknowledgedWriter(source, target, "boss", PASSWORD, switched, 20);
      try {
        MigrationRequest r = cutoverWithTrafficSwitch(source, target, switched);
        r.cutover.sourceWriteLock = "none";
        MigrationWorkflow wf = E2E.start(worker.client(), "e2e-nl-move", r);
        MigrationStatus paused = awaitStatus(wf, Duration.ofMinutes(5), s -> s.paused && "cutover".equals(s.currentStep));
        assertTrue(paused.pausedReason.contains("boss@"), "names the writer: " + paused.pausedReason);
        assertEquals(List.of("retry", "kill-and-retry", "rollback"), dev.migrator.model.Decision.wires(paused.allowedDecisions));
        assertEquals("0", source.query("SELECT @@global.read_only"), "the source takes writes again while paused");
        long before = w.writesOnSource();
        Thread.sleep(300);
        assertTrue(w.writesOnSource() > before, "the application goes on writing to its primary");

        w.hold(); // the operator stops the job that writes as a privileged account...
        wf.decide("kill-and-retry"); // ...and its idle session is ended once writes stop again
        MigrationStatus done = awaitStatus(wf, Duration.ofMinutes(5), s -> dev.migrator.model.Phase.COMPLETED == s.phase);
        assertTrue(done.warnings.stream().anyMatch(x -> x.contains("ended session") && x.contains("boss@")),
            done.warnings.toString());
        w.resume(); // it reconnects, to the target now
        long after = w.writesOnTarget();
        while (w.writesOnTarget() < after + 10) Thread.sleep(20);
        result = E2E.result(wf, Duration.ofMinutes(1));
      } finally {
        w.close();
      }
      assertEquals(MigrationResult.COMPLETED, result.outcome);
      assertEquals(1, result.status.cutover.failedAttempts);
      assertNothingLost(w, target);
    }
  }

  @Test
  void dataProtectingFindingsCannotBeSkippedAndTheRollbackLeavesWhatWasThere() throws Exception {
    try (LocalMariaDb source = LocalMariaDb.start("nl-keep-src"); LocalMariaDb target = LocalMariaDb.start("nl-keep-dst")) {
      loadShop(source);
      target.sql("CREATE DATABASE shop", "CREATE TABLE shop.operators (note TEXT)", "INSERT INTO shop.operators VALUES ('mine')");
      String sourceBefore = Contents.of(source, "shop");

      // 1. The schema exists on the target.
      MigrationWorkflow wf = E2E.start(worker.client(), "e2e-nl-exists", E2E.request(source, target, "shop"));
      MigrationStatus paused = awaitStatus(wf, Duration.ofMinutes(2), s -> s.paused);
      assertEquals("preflight", paused.currentStep);
      assertEquals(List.of("retry", "rollback"), dev.migrator.model.Decision.wires(paused.allowedDecisions), "skip is not offered");
      wf.decide("skip");
      Thread.sleep(1000);
      assertEquals("preflight", wf.status().currentStep, "a skip is ignored");
      wf.decide("rollback");
      awaitStatus(wf, Duration.ofMinutes(1), s -> dev.migrator.model.Phase.FAILED == s.phase);
      assertEquals("mine", target.query("SELECT note FROM shop.operators"));

      // 2. The source named another way is the target.
      MigrationRequest same = E2E.request(source, target, "shop");
      same.target = new Endpoint("localhost", source.port(), "root", source.rootPasswordRef());
      MigrationWorkflow wf2 = E2E.start(worker.client(), "e2e-nl-same", same);
      MigrationStatus paused2 = awaitStatus(wf2, Duration.ofMinutes(2), s -> s.paused);
      assertTrue(paused2.pausedReason.contains("same server"), paused2.pausedReason);
      assertEquals(List.of("retry", "rollback"), dev.migrator.model.Decision.wires(paused2.allowedDecisions));
      wf2.decide("rollback");
      awaitStatus(wf2, Duration.ofMinutes(1), s -> dev.migrator.model.Phase.FAILED == s.phase);
      assertEquals(sourceBefore, Contents.of(source, "shop"), "the source is untouched");
    }
  }

  @Test
  void twoMigrationsIntoOneTargetRollingBackTheSecondLeavesTheFirstsSchema() throws Exception {
    try (LocalMariaDb source = LocalMariaDb.start("nl-two-src"); LocalMariaDb target = LocalMariaDb.start("nl-two-dst")) {
      loadShop(source);
      MigrationWorkflow first = E2E.start(worker.client(), "e2e-nl-first", E2E.request(source, target, "shop"));
      E2E.await(first, Duration.ofMinutes(5), s -> "approve".equals(s.currentStep));
      String copied = Contents.of(target, "shop");

      MigrationWorkflow second = E2E.start(worker.client(), "e2e-nl-second", E2E.request(source, target, "shop"));
      MigrationStatus paused = awaitStatus(second, Duration.ofMinutes(2), s -> s.paused);
      assertTrue(paused.pausedReason.contains("belongs to migration e2e-nl-first"), paused.pausedReason);
      second.rollback("test: the second migration was a mistake");
      awaitStatus(second, Duration.ofMinutes(1), s -> dev.migrator.model.Phase.RUNNING != s.phase && dev.migrator.model.Phase.PAUSED != s.phase
          && dev.migrator.model.Phase.ROLLING_BACK != s.phase);
      assertEquals(copied, Contents.of(target, "shop"), "the first migration's schema is untouched");

      first.rollback("test: done");
      MigrationResult r = E2E.result(first, Duration.ofMinutes(2));
      assertEquals(MigrationResult.ROLLED_BACK, r.outcome);
      assertEquals(null, target.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'shop'"));
      assertEquals(null, target.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'migrator_meta'"),
          "no bookkeeping left once nothing is owned");
    }
  }

  @Test
  void whileWaitingForApprovalTheTargetRefusesWritesAndAReplicationErrorPausesWithDecisions() throws Exception {
    try (LocalMariaDb source = LocalMariaDb.start("nl-appr-src"); LocalMariaDb target = LocalMariaDb.start("nl-appr-dst")) {
      loadShop(source);
      AcknowledgedWriter.createAccount(List.of(source, target), "clerk", PASSWORD, false);
      MigrationRequest r = E2E.request(source, target, "shop");
      MigrationWorkflow wf = E2E.start(worker.client(), "e2e-nl-approve", r);
      MigrationStatus waiting = E2E.await(wf, Duration.ofMinutes(5), s -> "approve".equals(s.currentStep)
          && s.lag != null && s.lag.errorKind == null);
      assertEquals("read_only", waiting.targetGuard.how);

      // An application writing to the target before the cutover is refused.
      try (Connection clerk = DriverManager.getConnection(target.jdbcUrl("shop"), "clerk", PASSWORD);
          Statement s = clerk.createStatement()) {
        SQLException refused = assertThrows(SQLException.class,
            () -> s.executeUpdate("INSERT INTO shop.t VALUES (900001, 'too early')"));
        assertEquals(1290, refused.getErrorCode());
      }

      // A privileged account gets through on MariaDB (no super_read_only) and replication breaks.
      target.sql("INSERT INTO shop.t VALUES (900002, 'on the target')");
      source.sql("INSERT INTO shop.t VALUES (900002, 'on the source')");
      MigrationStatus paused = awaitStatus(wf, Duration.ofMinutes(2), s -> s.paused);
      assertEquals("approve", paused.currentStep);
      assertEquals(dev.migrator.model.ReplicationErrorKind.DUPLICATE_KEY, paused.lag.errorKind);
      assertEquals(List.of("retry", "skip", "rebuild", "rollback"), dev.migrator.model.Decision.wires(paused.allowedDecisions));

      WorkflowUpdateException refused = assertThrows(WorkflowUpdateException.class, () -> wf.approveCutover("bob"));
      assertTrue(String.valueOf(refused.getCause().getMessage()).contains("replication is failing"),
          String.valueOf(refused.getCause().getMessage()));
      wf.approve();
      MigrationStatus signalled = awaitStatus(wf, Duration.ofSeconds(30), s -> s.approvalRefused != null);
      assertTrue(signalled.approvalRefused.startsWith("approve signal refused: replication is failing"),
          signalled.approvalRefused);
      assertEquals("0", source.query("SELECT @@global.read_only"), "the cutover never started");

      target.sql("DELETE FROM shop.t WHERE id = 900002"); // the operator removes the stray row
      wf.decide("retry");
      awaitStatus(wf, Duration.ofMinutes(2), s -> !s.paused && s.lag != null && s.lag.errorKind == null
          && s.lag.replica != null && s.lag.replica.sqlRunning);
      assertNotNull(wf.approveCutover("bob"));
      MigrationResult result = E2E.result(wf, Duration.ofMinutes(5));
      assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
      assertEquals(Contents.of(source, "shop"), Contents.of(target, "shop"));
    }
  }
}
