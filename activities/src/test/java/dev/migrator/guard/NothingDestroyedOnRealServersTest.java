package dev.migrator.guard;

import dev.migrator.activities.StepInputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.adapters.CopyActivitiesImpl;
import dev.migrator.adapters.CutoverActivitiesImpl;
import dev.migrator.adapters.SchemaActivitiesImpl;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Endpoint;
import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.model.ReadOnlyGuard;
import dev.migrator.model.SourceFence;
import dev.migrator.model.TableRef;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.preflight.PreflightRunner;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "Nothing lost, nothing destroyed" on two real MariaDB servers: a rollback empties and drops only
 * what its migration created; one server named two ways is refused; a privileged writer is held by
 * the cutover's global read lock (and its blocked write never lands), or caught by the proof that
 * the source stood still; the target refuses application writes while it replicates.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NothingDestroyedOnRealServersTest {
  static LocalMariaDb source;
  static LocalMariaDb target;
  static Connector connector = new Connector(new CredentialResolver());
  static SchemaActivitiesImpl schema = new SchemaActivitiesImpl(connector);
  static CopyActivitiesImpl copy = new CopyActivitiesImpl(connector, (workflowId, progress) -> { });
  static CutoverActivitiesImpl cutover = new CutoverActivitiesImpl(connector);
  static final String APP_PASSWORD = "app-pw-1";

  @BeforeAll
  static void start() {
    source = LocalMariaDb.start("guard-src");
    target = LocalMariaDb.start("guard-dst");
    // An application account that writes through read_only (MariaDB 10.11: READ_ONLY ADMIN), and one that does not.
    for (LocalMariaDb db : List.of(source, target)) {
      db.sql("CREATE DATABASE app", "CREATE TABLE app.ledger (id INT AUTO_INCREMENT PRIMARY KEY, v INT)",
          "CREATE USER 'boss'@'%' IDENTIFIED BY '" + APP_PASSWORD + "'",
          "GRANT READ_ONLY ADMIN ON *.* TO 'boss'@'%'", "GRANT INSERT, SELECT ON app.* TO 'boss'@'%'",
          "CREATE USER 'clerk'@'%' IDENTIFIED BY '" + APP_PASSWORD + "'", "GRANT ALL ON app.* TO 'clerk'@'%'",
          "GRANT ALL ON shop_g.* TO 'clerk'@'%'");
    }
  }

  @AfterAll
  static void stop() {
    if (source != null) source.close();
    if (target != null) target.close();
  }

  static MigrationRequest request(String migrationId, String... schemas) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = migrationId;
    r.source = new Endpoint(source.host(), source.port(), "root", source.rootPasswordRef());
    r.target = new Endpoint(target.host(), target.port(), "root", target.rootPasswordRef());
    r.schemas.addAll(List.of(schemas));
    return r;
  }

  static Connection as(LocalMariaDb db, String user) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl("app"), user, APP_PASSWORD);
  }

  // ---------------------------------------------------------------------------------------------
  // Only what the migration created.

  @Test
  void aSchemaThatWasThereBeforeIsNeverWrittenIntoEmptiedOrDropped() {
    source.sql("CREATE DATABASE keepme", "CREATE TABLE keepme.t (id INT PRIMARY KEY)", "INSERT INTO keepme.t VALUES (1)");
    target.sql("CREATE DATABASE keepme", "CREATE TABLE keepme.t (id INT PRIMARY KEY)", "INSERT INTO keepme.t VALUES (7)");
    MigrationRequest r = request("m-keep", "keepme");

    ApplicationFailure refused = assertThrows(ApplicationFailure.class, () -> schema.createSchema(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null)));
    assertEquals(SchemaOwnership.NOT_OWNED, refused.getType());
    assertTrue(refused.getOriginalMessage().contains("migrator did not create it"), refused.getOriginalMessage());

    List<String> truncated = copy.truncateTables(StepInputs.copy(r, null), List.of(new TableRef("keepme", "t")));
    List<String> dropped = schema.dropSchemas(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null), List.of("keepme"));
    assertTrue(truncated.get(0).contains("left table keepme.t on the target alone"), truncated.toString());
    assertTrue(dropped.get(0).contains("left schema keepme on the target alone"), dropped.toString());
    assertEquals("7", target.query("SELECT id FROM keepme.t"), "the operator's row is still there");
  }

  @Test
  void aSchemaHoldingAnObjectTheMigrationDidNotCreateIsKeptByTheRollback() {
    source.sql("CREATE DATABASE mixed", "CREATE TABLE mixed.a (id INT PRIMARY KEY)",
        "CREATE VIEW mixed.va AS SELECT id FROM mixed.a");
    MigrationRequest r = request("m-mixed", "mixed");
    schema.createSchema(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null));
    target.sql("CREATE TABLE mixed.operators_notes (note TEXT)", "INSERT INTO mixed.operators_notes VALUES ('mine')");

    List<String> notes = schema.dropSchemas(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null), List.of("mixed"));

    assertEquals(1, notes.size(), notes.toString());
    assertTrue(notes.get(0).startsWith("kept schema mixed on the target: it holds 1 object(s) this migration did not"
        + " create (TABLE operators_notes)"), notes.get(0));
    assertEquals("mine", target.query("SELECT note FROM mixed.operators_notes"));
  }

  @Test
  void aSecondMigrationCannotTakeASchemaTheFirstOneOwns() throws SQLException {
    source.sql("CREATE DATABASE shared", "CREATE TABLE shared.t (id INT PRIMARY KEY)");
    MigrationRequest first = request("m-first", "shared");
    MigrationRequest second = request("m-second", "shared");
    schema.createSchema(StepInputs.schema(first, (dev.migrator.model.FrozenCopy) null));
    schema.createSchema(StepInputs.schema(first, (dev.migrator.model.FrozenCopy) null)); // a retry knows its own schema

    ApplicationFailure refused = assertThrows(ApplicationFailure.class, () -> schema.createSchema(StepInputs.schema(second, (dev.migrator.model.FrozenCopy) null)));
    assertTrue(refused.getOriginalMessage().contains("belongs to migration m-first"), refused.getOriginalMessage());
    List<String> notes = schema.dropSchemas(StepInputs.schema(second, (dev.migrator.model.FrozenCopy) null), List.of("shared"));
    assertTrue(notes.get(0).contains("it belongs to migration m-first"), notes.toString());
    assertNotNull(target.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'shared'"));

    assertEquals(List.of(), schema.dropSchemas(StepInputs.schema(first, (dev.migrator.model.FrozenCopy) null), List.of("shared")));
    assertNull(target.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'shared'"));
    try (Connection c = target.connect()) {
      assertNull(SchemaOwnership.read(c, "shared"), "ownership released with the schema");
    }
  }

  @Test
  void aCompletedMigrationReleasesItsSchemasToTheApplication() {
    source.sql("CREATE DATABASE done_db", "CREATE TABLE done_db.t (id INT PRIMARY KEY)");
    MigrationRequest r = request("m-done", "done_db");
    schema.createSchema(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null));
    schema.releaseSchemas(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null), List.of("done_db"));
    List<String> notes = schema.dropSchemas(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null), List.of("done_db"));
    assertTrue(notes.get(0).contains("left schema done_db on the target alone"), notes.toString());
  }

  @Test
  void oneServerNamedTwoWaysIsBlockedAndCannotBeSkipped() {
    MigrationRequest r = request("m-same", "app");
    r.target = new Endpoint("localhost", source.port(), "root", source.rootPasswordRef());
    PreflightReport report = new PreflightRunner(connector).run(r);
    Finding same = report.findings.stream().filter(f -> f.id.equals("same-server")).findFirst().orElseThrow(
        () -> new AssertionError(report.findings.toString()));
    assertEquals(Finding.BLOCKING, same.severity);
    assertTrue(same.protectsData);
    assertTrue(same.evidence.contains("are the same server"), same.evidence);
    assertTrue(report.findings.stream().anyMatch(f -> f.id.equals("target-schema-exists") && f.protectsData),
        report.findings.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // Writers that get past read_only.

  @Test
  void preflightNamesTheAccountsAndSessionsThatWriteThroughReadOnly() throws SQLException {
    try (Connection boss = as(source, "boss")) {
      PreflightReport report = new PreflightRunner(connector).run(request("m-pre", "app"));
      Finding f = report.findings.stream().filter(x -> x.id.equals("read-only-bypass")).findFirst().orElseThrow();
      assertEquals(Finding.WARNING, f.severity, "a bypassing session is connected");
      assertTrue(f.evidence.contains("'boss'@'%'") && f.evidence.contains("boss@"), f.evidence);
      assertTrue(f.advice.contains("REVOKE READ_ONLY ADMIN"), f.advice);
    }
  }

  @Test
  void theGlobalReadLockHoldsAPrivilegedWriterAndItsBlockedWriteNeverLands() throws Exception {
    MigrationRequest r = request("m-fence", "app");
    source.sql("SET GLOBAL read_only = ON");
    try {
      SourceFence fence = cutover.fenceSource(StepInputs.cutover(r));
      assertNotNull(fence.lockConnectionId, fence.how + " / " + fence.note);
      assertTrue(fence.how.contains("global read lock") && fence.stopsEveryone, fence.how);
      assertEquals(fence.lockConnectionId, cutover.fenceSource(StepInputs.cutover(r)).lockConnectionId, "idempotent");

      CompletableFuture<String> write = CompletableFuture.supplyAsync(() -> {
        try (Connection boss = as(source, "boss"); Statement s = boss.createStatement()) {
          s.executeUpdate("INSERT INTO app.ledger (v) VALUES (4242)");
          return "acknowledged";
        } catch (SQLException e) {
          return "refused: " + e.getMessage();
        }
      });
      awaitState(source, "Waiting for backup lock");
      assertFalse(write.isDone(), "held by the lock, not refused by read_only");

      List<String> notes = cutover.releaseSourceFence(StepInputs.cutover(r), fence);

      assertTrue(write.get(10, TimeUnit.SECONDS).startsWith("refused"), "never acknowledged");
      assertTrue(notes.stream().anyMatch(n -> n.contains("1 session(s) waiting to write")), notes.toString());
      assertEquals("0", source.query("SELECT COUNT(*) FROM app.ledger WHERE v = 4242"), "the blocked write never landed");
      assertFalse(SourceFences.holds("m-fence@" + r.source.address()));
      assertNull(source.query("SELECT ID FROM information_schema.PROCESSLIST WHERE ID = " + fence.lockConnectionId));
      assertTrue(cutover.releaseSourceFence(StepInputs.cutover(r), fence).isEmpty(), "idempotent");
    } finally {
      source.sql("SET GLOBAL read_only = OFF");
    }
  }

  @Test
  void theProofFindsAPrivilegedWriteAfterReadOnlyAndNamesTheWriter() throws SQLException {
    target.sql("SET GLOBAL replicate_wild_do_table = 'app.%'");
    target.replicateFrom(source);
    MigrationRequest r = request("m-proof", "app");
    try (Connection boss = as(source, "boss"); Statement s = boss.createStatement()) {
      source.sql("SET GLOBAL read_only = ON");
      BinlogCoordinates p = cutover.sourcePosition(StepInputs.cutover(r));
      s.executeUpdate("INSERT INTO app.ledger (v) VALUES (1)"); // gets past read_only

      ApplicationFailure moved = assertThrows(ApplicationFailure.class, () -> cutover.confirmSourceStill(StepInputs.cutover(r), p));

      assertEquals("SourceMoved", moved.getType());
      assertTrue(moved.getOriginalMessage().contains("boss@"), "names the writer: " + moved.getOriginalMessage());
      assertTrue(moved.getOriginalMessage().contains("kill-and-retry"), moved.getOriginalMessage());
      assertEquals("Yes", slave(target, "Slave_SQL_Running"), "replication goes on");

      // The source standing still passes the proof.
      BinlogCoordinates still = cutover.sourcePosition(StepInputs.cutover(r));
      assertEquals(0, cutover.confirmSourceStill(StepInputs.cutover(r), still).compareTo(still));
    } finally {
      source.sql("SET GLOBAL read_only = OFF");
      target.sql("STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL replicate_wild_do_table = ''");
    }
  }

  @Test
  void killSourceWritersEndsTheSessionsThatWriteThroughReadOnly() throws SQLException {
    try (Connection boss = as(source, "boss")) {
      List<String> notes = cutover.killSourceWriters(StepInputs.cutover(request("m-kill", "app")), null);
      assertTrue(notes.stream().anyMatch(n -> n.contains("boss@")), notes.toString());
      assertThrows(SQLException.class, () -> boss.createStatement().executeQuery("SELECT 1"));
    }
  }

  @Test
  void theGuardedTargetRefusesApplicationWritesWhileItReplicates() throws SQLException {
    MigrationRequest r = request("m-guard", "app");
    ReadOnlyGuard g = cutover.guardTarget(StepInputs.cutover(r));
    try {
      assertTrue(g.guarded);
      assertEquals("read_only", g.how, "MariaDB has no super_read_only");
      assertTrue(g.note.contains("READ_ONLY ADMIN") && g.note.contains("'boss'@'%'"), g.note);
      try (Connection clerk = as(target, "clerk"); Statement s = clerk.createStatement()) {
        SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO app.ledger (v) VALUES (9)"));
        assertEquals(1290, e.getErrorCode());
      }
    } finally {
      cutover.unguardTarget(StepInputs.cutover(r), false);
    }
    assertEquals("0", target.query("SELECT @@global.read_only"));
  }

  static String slave(LocalMariaDb db, String column) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
      return rs.next() ? rs.getString(column) : null;
    }
  }

  static void awaitState(LocalMariaDb db, String state) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (db.query("SELECT ID FROM information_schema.PROCESSLIST WHERE STATE = '" + state + "'") == null) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("no session in state " + state);
      Thread.sleep(50);
    }
  }
}
