package dev.migrator.freeze;

import dev.migrator.activities.StepInputs;
import static dev.migrator.freeze.FreezeTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.migrator.activities.FreezeActivities;
import dev.migrator.adapters.FreezeActivitiesImpl;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import io.temporal.failure.ApplicationFailure;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** physical-backup on real servers: mariabackup of a source under write load. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FreezePhysicalBackupTest {
  LocalMariaDb source;
  LocalMariaDb target;
  Path work;
  Connector connector = new Connector(new CredentialResolver());

  @BeforeAll
  void start() {
    source = LocalMariaDb.start("pb-source");
    target = LocalMariaDb.start("pb-target");
    work = tempDir("freeze-work");
  }

  @AfterAll
  void stop() {
    if (target != null) target.close();
    if (source != null) source.close();
    TempServer.deleteTree(work);
  }

  @Test
  void frozenCopyMatchesItsCoordinatesExactlyUnderLoadAndReleaseLeavesNothing() throws Exception {
    FreezeActivitiesImpl freeze = new FreezeActivitiesImpl(connector, FreezeConfig.forWorkDir(work));
    MigrationRequest r = request(FreezeMethod.PHYSICAL_BACKUP, source, target, "bank");
    String id = "pb exact/1"; // not a safe file name: the directory name is derived
    try (WriteLoad load = WriteLoad.start(source, "bank", "accounts", "app", 2)) {
      awaitWrites(load, 300);
      FrozenCopy f = freeze.freeze(StepInputs.freeze(r, id));
      assertEquals(FreezeMethod.PHYSICAL_BACKUP, f.method);
      assertTrue(f.resumable);
      assertNotNull(f.coordinates);
      assertTrue(f.coordinates.file.startsWith("mysql-bin."), f.coordinates.toString());
      assertTrue(f.endpoint.password.startsWith("file:"), "password by reference");
      Path dir = Path.of(f.resourceId);
      assertEquals(work.resolve(FreezeNames.dirName(id)), dir);
      assertTrue(Files.isRegularFile(dir.resolve("mysqld.pid")));
      // The backup's temporary credentials file is gone.
      assertFalse(Files.exists(dir.resolve("backup.cnf")));

      // A retried freeze (its result lost) returns the same server and coordinates.
      FrozenCopy again = freeze.freeze(StepInputs.freeze(r, id));
      assertEquals(f.endpoint.port, again.endpoint.port);
      assertEquals(f.coordinates.toString(), again.coordinates.toString());

      loadFrozenInto(f.endpoint, "bank", target, work);
      replicateAt(target, source, f.coordinates);
      awaitWrites(load, 200); // the load keeps writing while the target replicates
      load.close();
      awaitCaughtUp(target, source);
      assertSameContents(source, target, "bank");

      long pid = Long.parseLong(Files.readString(dir.resolve("server.pid")).trim());
      freeze.releaseFrozenCopy(StepInputs.freeze(r, id));
      assertFalse(Files.exists(dir), "release deletes the directory");
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "release stops the server");
      freeze.releaseFrozenCopy(StepInputs.freeze(r, id)); // twice is fine
    } finally {
      freeze.releaseFrozenCopy(StepInputs.freeze(r, id));
      target.sql("STOP SLAVE", "RESET SLAVE ALL", "DROP DATABASE IF EXISTS bank");
    }
  }

  @Test
  void releaseFindsTheServerByItsPidFileFromAnotherInstance() throws Exception {
    source.sql("CREATE DATABASE IF NOT EXISTS small", "CREATE TABLE IF NOT EXISTS small.t (id INT PRIMARY KEY)",
        "INSERT IGNORE INTO small.t VALUES (1), (2)");
    // A backup account whose password needs quoting in an option file.
    String pw = "p#a\"s\\s ;x";
    source.sql("CREATE OR REPLACE USER 'bk'@'%' IDENTIFIED BY '" + pw.replace("\\", "\\\\").replace("'", "''") + "'",
        "GRANT ALL PRIVILEGES ON *.* TO 'bk'@'%'");
    Path pwFile = work.resolve("bk.password");
    Files.writeString(pwFile, pw);
    MigrationRequest r = request(FreezeMethod.PHYSICAL_BACKUP, source, target, "small");
    r.source.user = "bk";
    r.source.password = "file:" + pwFile;
    FrozenCopy f = new FreezeActivitiesImpl(connector, FreezeConfig.forWorkDir(work)).freeze(StepInputs.freeze(r, "pb-restart"));
    long pid = Long.parseLong(Files.readString(Path.of(f.resourceId, "server.pid")).trim());
    // As after a worker restart: a new instance knows nothing but the migration id.
    new FreezeActivitiesImpl(connector, FreezeConfig.forWorkDir(work)).releaseFrozenCopy(StepInputs.freeze(r, "pb-restart"));
    assertFalse(Files.exists(Path.of(f.resourceId)));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void runsAsAnActivityThroughTheDataConverterWithHeartbeats() throws Exception {
    source.sql("CREATE DATABASE IF NOT EXISTS small", "CREATE TABLE IF NOT EXISTS small.t (id INT PRIMARY KEY)",
        "INSERT IGNORE INTO small.t VALUES (1), (2)");
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      AtomicInteger beats = new AtomicInteger();
      env.setActivityHeartbeatListener(Object.class, d -> beats.incrementAndGet());
      env.registerActivitiesImplementations(new FreezeActivitiesImpl(connector, FreezeConfig.forWorkDir(work)));
      FreezeActivities stub = env.newActivityStub(FreezeActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(10)).setHeartbeatTimeout(Duration.ofSeconds(30)).build());
      MigrationRequest r = request(FreezeMethod.PHYSICAL_BACKUP, source, target, "small");
      FrozenCopy f = stub.freeze(StepInputs.freeze(r, "pb-activity"));
      assertNotNull(f.coordinates);
      assertTrue(beats.get() > 0, "the freeze heartbeats while it waits");
      stub.releaseFrozenCopy(StepInputs.freeze(r, "pb-activity"));
      assertFalse(Files.exists(Path.of(f.resourceId)));
    } finally {
      env.close();
    }
  }

  @Test
  void failingBackupToolStopsClearlyAndLeavesNothing() {
    MigrationRequest r = request(FreezeMethod.PHYSICAL_BACKUP, source, target, "bank");
    FreezeActivitiesImpl freeze =
        new FreezeActivitiesImpl(connector, FreezeConfig.forWorkDir(work).withBackupTool("/bin/false"));
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> freeze.freeze(StepInputs.freeze(r, "pb-fails")));
    assertTrue(e.getOriginalMessage().contains("--backup failed"), e.getOriginalMessage());
    assertFalse(Files.exists(work.resolve(FreezeNames.dirName("pb-fails"))));
  }

  @Test
  void aBackupToolForAnotherServerVersionIsRefused() throws Exception {
    Path tool = work.resolve("old-mariabackup");
    Files.writeString(tool, "#!/bin/sh\necho 'mariabackup based on MariaDB server 10.6.1-MariaDB'\n");
    tool.toFile().setExecutable(true);
    MigrationRequest r = request(FreezeMethod.PHYSICAL_BACKUP, source, target, "bank");
    FreezeActivitiesImpl freeze =
        new FreezeActivitiesImpl(connector, FreezeConfig.forWorkDir(work).withBackupTool(tool.toString()));
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> freeze.freeze(StepInputs.freeze(r, "pb-version")));
    assertTrue(e.getOriginalMessage().contains("is built for 10.6"), e.getOriginalMessage());
    assertFalse(Files.exists(work.resolve(FreezeNames.dirName("pb-version"))));
    Files.delete(tool);
  }

  @Test
  void binlogOffOnTheSourceStopsClearlyAndLeavesNothing() {
    try (LocalMariaDb noBinlog = LocalMariaDb.start(new LocalMariaDb.Options().name("pb-nobinlog").binlog(false))) {
      MigrationRequest r = request(FreezeMethod.PHYSICAL_BACKUP, noBinlog, target, "bank");
      FreezeActivitiesImpl freeze = new FreezeActivitiesImpl(connector, FreezeConfig.forWorkDir(work));
      ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> freeze.freeze(StepInputs.freeze(r, "pb-nobinlog")));
      assertTrue(e.getOriginalMessage().contains("binary log is off"), e.getOriginalMessage());
      assertTrue(e.isNonRetryable());
      assertFalse(Files.exists(work.resolve(FreezeNames.dirName("pb-nobinlog"))));
      freeze.releaseFrozenCopy(StepInputs.freeze(r, "pb-nobinlog"));
    }
  }
}
