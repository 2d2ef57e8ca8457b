package dev.migrator.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.activities.CopyInput;
import dev.migrator.model.Endpoint;
import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.preflight.PreflightReportFormatter;
import dev.migrator.preflight.PreflightRunner;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * copy.disableRedoLog on real servers: the activity turns a MySQL 9.7 target's redo log off and on
 * (Innodb_redo_log_enabled says so), twice in a row changes nothing; MariaDB and an account without
 * INNODB_REDO_LOG_ENABLE are refused by the activity and are blocking findings in preflight.
 */
class RedoLogOnRealServersTest {
  private static final String PASSWORD = "redo-limited-pw-5521";
  static LocalMySql mysql;
  static LocalMariaDb mariadb;
  static Path secrets;
  final Connector connector = new Connector(new CredentialResolver());
  final RedoLogActivitiesImpl redo = new RedoLogActivitiesImpl(connector);

  @BeforeAll
  static void start(@TempDir Path tmp) {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
    secrets = tmp;
    CompletableFuture<LocalMySql> a = CompletableFuture.supplyAsync(() -> LocalMySql.start("redo-mysql"));
    CompletableFuture<LocalMariaDb> b = CompletableFuture.supplyAsync(() -> LocalMariaDb.start("redo-mariadb"));
    mysql = a.join();
    mariadb = b.join();
    mysql.sql("CREATE USER 'loader'@'%' IDENTIFIED BY '" + PASSWORD + "'", "GRANT SELECT, INSERT ON *.* TO 'loader'@'%'");
  }

  @AfterAll
  static void stop() {
    if (mysql != null) mysql.close();
    if (mariadb != null) mariadb.close();
  }

  @Test
  void disablesAndEnablesTheRedoLogIdempotently() {
    CopyInput in = input(mysql.endpoint());
    assertEquals("ON", redoStatus());
    assertEquals("redo log disabled", redo.disableRedoLog(in));
    assertEquals("OFF", redoStatus());
    assertEquals("redo log already disabled", redo.disableRedoLog(in), "a retry changes nothing");
    assertEquals("OFF", redoStatus());
    mysql.sql("CREATE DATABASE redo_t", "CREATE TABLE redo_t.t (id INT PRIMARY KEY)", "INSERT INTO redo_t.t VALUES (1), (2)");
    assertEquals("redo log enabled", redo.enableRedoLog(in));
    assertEquals("ON", redoStatus());
    assertEquals("redo log already enabled", redo.enableRedoLog(in), "a repeated undo changes nothing");
    assertEquals("ON", redoStatus());
    assertEquals("2", mysql.query("SELECT COUNT(*) FROM redo_t.t"));
  }

  @Test
  void anAccountWithoutThePrivilegeIsRefusedWithTheGrantToAdd() throws Exception {
    ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> redo.disableRedoLog(input(limited())));
    assertEquals("AccessDenied", f.getType());
    assertTrue(f.getOriginalMessage().contains("GRANT INNODB_REDO_LOG_ENABLE ON *.*"), f.getOriginalMessage());
    assertEquals("ON", redoStatus(), "nothing changed");
  }

  @Test
  void mariaDbIsRefused() {
    ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> redo.disableRedoLog(input(mariadb.endpoint())));
    assertEquals("Incompatible", f.getType());
    assertTrue(f.getOriginalMessage().contains("set copy.disableRedoLog to false"), f.getOriginalMessage());
  }

  @Test
  void preflightBlocksOnMariaDbAndWithoutThePrivilegeAndWarnsOtherwise() throws Exception {
    Finding onMariaDb = redoFinding(request(mysql, mariadb.endpoint(), true));
    assertEquals(Finding.BLOCKING, onMariaDb.severity);
    assertTrue(onMariaDb.evidence.contains("MariaDB has no ALTER INSTANCE DISABLE INNODB REDO_LOG"), onMariaDb.evidence);

    Finding noPrivilege = redoFinding(request(mariadb, limited(), true));
    assertEquals(Finding.BLOCKING, noPrivilege.severity);
    assertTrue(noPrivilege.evidence.contains("lacks the INNODB_REDO_LOG_ENABLE privilege"), noPrivilege.evidence);
    assertTrue(noPrivilege.advice.contains("GRANT INNODB_REDO_LOG_ENABLE ON *.* TO the target account (loader)"),
        noPrivilege.advice);

    Finding risk = redoFinding(request(mariadb, mysql.endpoint(), true));
    assertEquals(Finding.WARNING, risk.severity, "root may: only MySQL's warning remains");
    assertTrue(risk.evidence.contains("the whole instance corrupted"), risk.evidence);

    PreflightReport off = new PreflightRunner(connector).run(request(mariadb, mysql.endpoint(), false));
    assertTrue(off.findings.stream().noneMatch(x -> x.id.equals("redo-log-off")), () -> PreflightReportFormatter.text(off));
  }

  private Finding redoFinding(MigrationRequest r) {
    PreflightReport report = new PreflightRunner(connector).run(r);
    List<Finding> f = report.findings.stream().filter(x -> x.id.equals("redo-log-off")).toList();
    assertEquals(1, f.size(), () -> PreflightReportFormatter.text(report));
    assertEquals("target", f.get(0).endpoint);
    return f.get(0);
  }

  private static Endpoint limited() throws Exception {
    Endpoint e = mysql.endpoint();
    e.user = "loader";
    Path p = secrets.resolve("loader.pw");
    Files.writeString(p, PASSWORD);
    e.password = "file:" + p;
    return e;
  }

  private static String redoStatus() {
    return mysql.query("SELECT VARIABLE_VALUE FROM performance_schema.global_status"
        + " WHERE VARIABLE_NAME = 'Innodb_redo_log_enabled'");
  }

  private static CopyInput input(Endpoint target) {
    CopyInput in = new CopyInput();
    in.migrationId = "redo";
    in.target = target;
    in.copy.disableRedoLog = true;
    return in;
  }

  private static MigrationRequest request(LocalServer source, Endpoint target, boolean disableRedoLog) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "redo";
    r.source = source.endpoint();
    r.target = target;
    r.schemas = new ArrayList<>(List.of("shop"));
    r.copy.disableRedoLog = disableRedoLog;
    return r;
  }
}
