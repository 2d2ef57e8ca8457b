package dev.migrator.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.activities.CopyActivities;
import dev.migrator.activities.StepInputs;
import dev.migrator.model.CopyOptions.WriteMethod;
import dev.migrator.model.LiveCopyResult;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TableRef;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The live-consistent copy since issue 18: three tables read by two connections sharing one
 * snapshot, written with LOAD DATA (AUTO on a target with local_infile ON), and each table given
 * the secondary index the schema step deferred as soon as its own load ends.
 */
class LiveConsistentCopyTest {
  @Test
  void tablesAreCopiedInParallelInOneSnapshotAndGetTheirDeferredIndexes() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (LocalMariaDb src = LocalMariaDb.start("live-src"); LocalMariaDb dst = LocalMariaDb.start("live-dst")) {
      List<TableRef> tables = new ArrayList<>();
      src.sql("CREATE DATABASE shop");
      dst.sql("CREATE DATABASE shop");
      for (int i = 1; i <= 3; i++) {
        String t = "shop.t" + i;
        src.sql("CREATE TABLE " + t + " (id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20), KEY k_" + i + " (k))",
            "INSERT INTO " + t + " SELECT seq, seq % 97, CONCAT('row\\t', seq) FROM shop.seq_1_to_" + (1000 * i));
        dst.sql("CREATE TABLE " + t + " (id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20))"); // index deferred
        tables.add(new TableRef("shop", "t" + i));
      }
      env.registerActivitiesImplementations(new CopyActivitiesImpl(new Connector(new CredentialResolver()), (w, p) -> { }));
      CopyActivities copy = env.newActivityStub(CopyActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2)).setHeartbeatTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      MigrationRequest r = new MigrationRequest();
      r.migrationId = "live";
      r.source = src.endpoint();
      r.target = dst.endpoint();
      r.schemas.add("shop");
      r.copy.chunkRows = 700;
      r.copy.parallelism = 2;
      r.copy.applyFastDefaults(); // AUTO, deferred indexes: what a new migration gets

      LiveCopyResult res = copy.copyLiveConsistent(StepInputs.copy(r, null), tables, "w");

      assertTrue(res.snapshot.contains("shared by 2 connections"), res.snapshot);
      assertEquals(3, res.sourceChecksums.size());
      assertEquals(6000, res.progress.rows);
      assertEquals(Contents.of(src, "shop"), Contents.of(dst, "shop"));
      for (int i = 1; i <= 3; i++) {
        assertEquals("1", dst.query("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'shop'"
            + " AND TABLE_NAME = 't" + i + "' AND INDEX_NAME = 'k_" + i + "'"), "t" + i + " got its deferred index");
      }
      assertEquals(WriteMethod.AUTO, r.copy.writeMethod);
    } finally {
      env.close();
    }
  }
}
