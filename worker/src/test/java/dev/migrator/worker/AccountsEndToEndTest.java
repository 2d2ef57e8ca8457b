package dev.migrator.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.model.AccountsOptions;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Phase;
import dev.migrator.model.TrafficSwitch;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.AuroraLikeMySql;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import dev.migrator.testkit.NoSecrets;
import dev.migrator.testkit.temporal.TemporalTestServerProcess;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Step 5 through the whole workflow on real servers, MariaDB to MariaDB and MySQL 9.7 to the
 * Aurora-like MySQL 9.7: the application's accounts, roles and grants are copied before the schema
 * step (a view keeps its definer), an account changed and one created on the source while the
 * migration waits for approval are synced in the cutover, the application logs in to the target
 * with its passwords after the cutover, grants Aurora keeps for itself are reported, a rollback
 * drops exactly the accounts the migration created, and no password or hash is in the history.
 */
class AccountsEndToEndTest {
  static TemporalTestServerProcess temporal;
  static MigratorWorker worker;
  static final String APP_PW = "app-Secret-e2e-1";
  static final String APP_PW_2 = "app-Secret-e2e-2";
  static final String REPORT_PW = "report-Secret-e2e-3";
  static final String NEWBIE_PW = "newbie-Secret-e2e-4";
  static final String OPS_PW = "ops-Secret-e2e-5";

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

  static void assumeMySql() {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
  }

  /** Two servers started side by side. */
  static <A extends LocalServer, B extends LocalServer> List<LocalServer> pair(Supplier<A> a, Supplier<B> b) {
    CompletableFuture<A> fa = CompletableFuture.supplyAsync(a);
    CompletableFuture<B> fb = CompletableFuture.supplyAsync(b);
    return List.of(fa.join(), fb.join());
  }

  static MigrationRequest request(LocalServer source, LocalServer target, String mode) {
    MigrationRequest r = new MigrationRequest();
    r.source = source.endpoint();
    r.target = target.endpoint();
    r.schemas = new ArrayList<>(List.of("shop"));
    r.replication.password = source.rootPasswordRef();
    r.replication.pollSeconds = 1;
    r.copy.chunkRows = 500;
    r.accounts.mode = mode;
    // keep needs SET_ANY_DEFINER, which Aurora's admin lacks (ERROR 1227): there the default applies.
    if (!(target instanceof AuroraLikeMySql)) r.schemaOptions.definer = "keep";
    return r;
  }

  /** The application's objects and accounts on the source; the definer of shop.v is an application account. */
  static void loadShopAndAccounts(LocalServer source) {
    source.sql("CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(100))",
        "INSERT INTO shop.t VALUES (1, 'one'), (2, 'two')",
        "CREATE ROLE r_read", "GRANT SELECT ON shop.* TO r_read",
        "CREATE USER app@'%' IDENTIFIED BY '" + APP_PW + "'",
        "GRANT r_read TO app@'%'",
        source.isMariaDb() ? "SET DEFAULT ROLE r_read FOR app@'%'" : "SET DEFAULT ROLE r_read TO app@'%'",
        "GRANT INSERT, UPDATE (v) ON shop.t TO app@'%'",
        "CREATE USER report@'%' IDENTIFIED BY '" + REPORT_PW + "' WITH MAX_USER_CONNECTIONS 3",
        "GRANT SELECT ON shop.t TO report@'%'",
        "CREATE USER locked@'%' IDENTIFIED BY 'locked-Secret-e2e-6' ACCOUNT LOCK",
        "CREATE USER ops@'%' IDENTIFIED BY '" + OPS_PW + "'",
        "GRANT PROCESS, SUPER ON *.* TO ops@'%'",
        "CREATE DEFINER = report@'%' SQL SECURITY DEFINER VIEW shop.v AS SELECT id FROM shop.t");
  }

  static NoSecrets secretsOf(LocalServer source) {
    return new NoSecrets().password(APP_PW).password(APP_PW_2).password(REPORT_PW).password(NEWBIE_PW)
        .password(OPS_PW).password("locked-Secret-e2e-6").hashesOf(source, source.isMariaDb());
  }

  static Connection login(LocalServer db, String user, String pw) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl("shop"), user, pw);
  }

  static String one(Connection c, String sql) throws SQLException {
    try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The JSON of the workflow's history and of every child it started. */
  static List<String> histories(WorkflowClient client, String workflowId) {
    List<String> out = new ArrayList<>();
    WorkflowExecutionHistory h = client.fetchHistory(workflowId);
    out.add(h.toJson(false));
    for (HistoryEvent e : h.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
        String child = e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution().getWorkflowId();
        out.add(client.fetchHistory(child).toJson(false));
      }
    }
    return out;
  }

  @Test
  void mariaDbToMariaDbCopiesSyncsAndTheApplicationLogsInAfterTheCutover() throws Exception {
    List<LocalServer> s = pair(() -> LocalMariaDb.start("acc-e2e-src"), () -> LocalMariaDb.start("acc-e2e-dst"));
    try (LocalServer source = s.get(0); LocalServer target = s.get(1)) {
      copySyncAndCutOver(source, target, "e2e-acc-mariadb");
    }
  }

  @Test
  void mySqlToAuroraLikeCopiesSyncsAndReportsTheGrantsAuroraKeeps() throws Exception {
    assumeMySql();
    List<LocalServer> s = pair(() -> LocalMySql.start("acc-e2e-my"), () -> AuroraLikeMySql.start(new AuroraLikeMySql.Options().name("acc-e2e-aurora").gtid(true)
        // As the DB cluster parameter group sets it: RDS/Aurora refuse CHANGE REPLICATION FILTER.
        .config("replicate-wild-do-table=shop.%")));
    try (LocalServer source = s.get(0); LocalServer target = s.get(1)) {
      MigrationStatus done = copySyncAndCutOver(source, target, "e2e-acc-aurora");
      assertTrue(done.warnings.stream().anyMatch(w -> w.startsWith("accounts: ") && w.contains("'ops'@'%'")
          && w.contains("SUPER")), "the stripped grant is reported: " + done.warnings);
      assertTrue(String.join("\n", done.accounts.statusLines()).contains("stripped SUPER ON *.*"),
          done.accounts.statusLines().toString());
      assertTrue(!String.join("\n", target.queryRows("SHOW GRANTS FOR ops@'%'")).contains("SUPER"));
    }
  }

  private MigrationStatus copySyncAndCutOver(LocalServer source, LocalServer target, String id) throws Exception {
    loadShopAndAccounts(source);
    // An account the target had before: never touched.
    target.sql("CREATE USER keeper@'%' IDENTIFIED BY 'keeper-Secret-e2e-7'");
    NoSecrets secrets = secretsOf(source);
    Path switched = Files.createTempDirectory("acc-e2e").resolve("switched");
    MigrationRequest r = request(source, target, AccountsOptions.COPY_AND_SYNC);
    r.cutover.trafficSwitch = new TrafficSwitch();
    r.cutover.trafficSwitch.type = "command";
    r.cutover.trafficSwitch.command = "touch '" + switched + "'";
    MigrationWorkflow wf = E2E.start(worker.client(), id, r);

    MigrationStatus waiting = E2E.await(wf, Duration.ofMinutes(5), st -> "approve".equals(st.currentStep)
        && st.lag != null && st.lag.errorKind == null);
    assertEquals(Phase.RUNNING, waiting.phase);
    assertTrue(waiting.accounts.copied.created >= 4, waiting.accounts.statusLines().toString());
    try (Connection c = login(target, "app", APP_PW)) {
      assertEquals("2", one(c, "SELECT COUNT(*) FROM shop.v"), "its default role reads the view, whose definer exists");
    }

    // While the migration waits for approval: a password changed, an account created on the source.
    source.sql("ALTER USER app@'%' IDENTIFIED BY '" + APP_PW_2 + "'",
        "CREATE USER newbie@'%' IDENTIFIED BY '" + NEWBIE_PW + "'", "GRANT SELECT ON shop.t TO newbie@'%'");
    secrets.hashesOf(source, source.isMariaDb());
    wf.approveCutover("alice");
    MigrationResult result = E2E.result(wf, Duration.ofMinutes(5));
    assertEquals(MigrationResult.COMPLETED, result.outcome, () -> String.valueOf(result.status.error));
    MigrationStatus done = result.status;
    assertTrue(Files.exists(switched));

    String lines = String.join("\n", done.accounts.statusLines());
    assertTrue(lines.contains("created 'newbie'@'%'") && lines.contains("updated 'app'@'%': password"), lines);
    // The application logs in to the new primary with the passwords it has now.
    try (Connection c = login(target, "app", APP_PW_2)) {
      assertEquals("2", one(c, "SELECT COUNT(*) FROM shop.t"), "its role is its default role");
      c.createStatement().executeUpdate("INSERT INTO shop.t VALUES (3, 'three')");
    }
    assertThrows(SQLException.class, () -> login(target, "app", APP_PW).close(), "the old password no longer works");
    try (Connection c = login(target, "report", REPORT_PW); Connection n = login(target, "newbie", NEWBIE_PW)) {
      assertEquals("3", one(c, "SELECT COUNT(*) FROM shop.t"));
      assertEquals("3", one(n, "SELECT COUNT(*) FROM shop.t"));
    }
    SQLException locked = assertThrows(SQLException.class, () -> login(target, "locked", "locked-Secret-e2e-6").close());
    assertTrue(locked.getMessage().toLowerCase().contains("lock"), locked.getMessage());
    assertEquals("keeper", target.query("SELECT user FROM mysql.user WHERE user = 'keeper'"));

    for (String h : histories(worker.client(), id)) secrets.assertText("the history of " + id, h);
    secrets.assertClean("the final status", done);
    return done;
  }

  @Test
  void aRehearsalDropsExactlyTheAccountsItCreated() throws Exception {
    List<LocalServer> s = pair(() -> LocalMariaDb.start("acc-reh-src"), () -> LocalMariaDb.start("acc-reh-dst"));
    try (LocalServer source = s.get(0); LocalServer target = s.get(1)) {
      loadShopAndAccounts(source);
      // The target's own accounts: one with a name the source has too, identical (left alone), one of its own.
      target.sql("CREATE USER keeper@'%' IDENTIFIED BY 'keeper-Secret-e2e-7'",
          "CREATE USER report@'%' IDENTIFIED BY '" + REPORT_PW + "' WITH MAX_USER_CONNECTIONS 3");
      List<String> before = target.queryRows("SELECT user, host FROM mysql.user ORDER BY user, host");
      MigrationRequest r = request(source, target, AccountsOptions.COPY);
      r.rehearsal = true;
      r.accounts.existing = "keep-target";
      MigrationWorkflow wf = E2E.start(worker.client(), "e2e-acc-rehearsal", r);
      MigrationResult result = E2E.result(wf, Duration.ofMinutes(5));

      assertEquals(MigrationResult.ROLLED_BACK, result.outcome, () -> String.valueOf(result.status.error));
      assertTrue(result.status.accounts.copied.created >= 3, result.status.accounts.statusLines().toString());
      assertEquals(before, target.queryRows("SELECT user, host FROM mysql.user ORDER BY user, host"),
          "the rollback dropped the accounts it created and only those");
      assertNull(target.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'migrator_meta'"));
      assertTrue(String.join("\n", result.status.accounts.notes).contains("rollback: "), result.status.accounts.notes.toString());
    }
  }
}
