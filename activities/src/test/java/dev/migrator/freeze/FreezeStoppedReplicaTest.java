package dev.migrator.freeze;

import dev.migrator.activities.StepInputs;
import static dev.migrator.freeze.FreezeTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.migrator.adapters.FreezeActivitiesImpl;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** stopped-replica on real servers: a replica of a source under write load. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FreezeStoppedReplicaTest {
  LocalMariaDb source;
  LocalMariaDb replica;
  LocalMariaDb target;
  Path tmp;
  final FreezeActivitiesImpl freeze =
      new FreezeActivitiesImpl(new Connector(new CredentialResolver()), FreezeConfig.forWorkDir(Path.of("/nonexistent")));

  @BeforeAll
  void start() {
    source = LocalMariaDb.start("sr-source");
    replica = LocalMariaDb.start("sr-replica");
    target = LocalMariaDb.start("sr-target");
    replica.replicateFrom(source); // from the start: the replica sees the schema being created
    tmp = tempDir("freeze-sr");
  }

  @AfterAll
  void stop() {
    for (LocalMariaDb db : new LocalMariaDb[] {target, replica, source}) if (db != null) db.close();
    TempServer.deleteTree(tmp);
  }

  MigrationRequest request() {
    MigrationRequest r = FreezeTesting.request(FreezeMethod.STOPPED_REPLICA, source, target, "bank");
    r.frozenReplica = endpoint(replica);
    return r;
  }

  @Test
  void stoppedReplicaCoordinatesAreExactUnderLoadAndReleaseRestartsIt() throws Exception {
    MigrationRequest r = request();
    try (WriteLoad load = WriteLoad.start(source, "bank", "accounts", "app", 2)) {
      awaitWrites(load, 300);
      FrozenCopy f = freeze.freeze(StepInputs.freeze(r, "sr-1"));
      assertEquals(replica.port(), f.endpoint.port, "the copy reads the replica itself");
      assertTrue(f.resumable);
      assertEquals("No", field(replica, "Slave_SQL_Running"));
      assertEquals("Yes", field(replica, "Slave_IO_Running"), "the IO thread keeps fetching");

      // The replica stays frozen while the source moves on.
      awaitWrites(load, 100);
      assertEquals(String.valueOf(f.coordinates.position), field(replica, "Exec_Master_Log_Pos"));

      loadFrozenInto(f.endpoint, "bank", target, tmp);
      replicateAt(target, source, f.coordinates);
      awaitWrites(load, 200);
      load.close();
      awaitCaughtUp(target, source);
      assertSameContents(source, target, "bank");

      freeze.releaseFrozenCopy(StepInputs.freeze(r, "sr-1"));
      assertEquals("Yes", field(replica, "Slave_SQL_Running"));
      freeze.releaseFrozenCopy(StepInputs.freeze(r, "sr-1")); // twice is fine
      awaitCaughtUp(replica, source);
      assertSameContents(source, replica, "bank");
    } finally {
      freeze.releaseFrozenCopy(StepInputs.freeze(r, "sr-1"));
      target.sql("STOP SLAVE", "RESET SLAVE ALL", "DROP DATABASE IF EXISTS bank");
    }
  }

  @Test
  void missingReplicaEndpointStopsClearly() {
    MigrationRequest r = request();
    r.frozenReplica = null;
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> freeze.freeze(StepInputs.freeze(r, "sr-2")));
    assertTrue(e.isNonRetryable());
    assertTrue(e.getOriginalMessage().contains("frozenReplica"), e.getOriginalMessage());
    assertThrows(ApplicationFailure.class, () -> freeze.releaseFrozenCopy(StepInputs.freeze(r, "sr-2")));
  }

  @Test
  void aServerThatIsNotAReplicaOfTheSourceIsRefused() {
    MigrationRequest r = request();
    r.frozenReplica = endpoint(target); // not a replica (or replicating from another server)
    target.sql("STOP SLAVE", "RESET SLAVE ALL");
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> freeze.freeze(StepInputs.freeze(r, "sr-3")));
    assertTrue(e.getOriginalMessage().contains("is not a replica"), e.getOriginalMessage());
    freeze.releaseFrozenCopy(StepInputs.freeze(r, "sr-3")); // nothing to restart: no error
  }
}
