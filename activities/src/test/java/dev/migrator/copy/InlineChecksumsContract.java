package dev.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.activities.CopyActivities;
import dev.migrator.activities.CopyInput;
import dev.migrator.activities.VerifyActivities;
import dev.migrator.activities.VerifyInput;
import dev.migrator.adapters.CopyActivitiesImpl;
import dev.migrator.adapters.VerifyActivitiesImpl;
import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.ContentSum;
import dev.migrator.model.CopyOptions.WriteMethod;
import dev.migrator.model.Endpoint;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.TableRef;
import dev.migrator.model.TableSums;
import dev.migrator.model.TableVerification;
import dev.migrator.model.VerifyResult;
import dev.migrator.testkit.LocalServer;
import dev.migrator.testkit.Sakila;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inline checksums (issue 18) on real servers, MariaDB to MariaDB and MySQL to MySQL: the CRC32
 * sums the copy takes of each chunk on the frozen copy and on the target are equal for every
 * column type (rt.types: integers, DECIMAL(65,30), FLOAT, DOUBLE, BIT, YEAR, zero dates, DATETIME,
 * TIMESTAMP and TIME with microseconds, ENUM, SET, utf8mb4 and latin1 text, blobs with 0x00, JSON,
 * NULLs, generated columns) and for Sakila, and combine into the table's sum on either side; each
 * column's value is in the sum; verify in inline mode finds a row changed on the target after its
 * chunk was copied; and the chunks whose sums a crash left unknown are read again by verify.
 * Run by {@link InlineChecksumsMariaDbTest} and {@link InlineChecksumsMySqlTest}.
 */
abstract class InlineChecksumsContract {
  static final int CHUNK_ROWS = 1000;

  abstract LocalServer src();

  abstract LocalServer dst();

  TestActivityEnvironment env;
  CopyActivities copy;
  VerifyActivities verify;
  /** Every copied table's chunks and their results (in order). */
  final Map<String, List<Chunk>> chunks = new LinkedHashMap<>();
  final Map<String, List<ChunkResult>> results = new LinkedHashMap<>();
  final List<TableRef> tables = new ArrayList<>();

  /** One attempt: a failure is the test's to see, not the test environment's to retry. */
  static final io.temporal.activity.ActivityOptions ONCE = io.temporal.activity.ActivityOptions.newBuilder()
      .setStartToCloseTimeout(java.time.Duration.ofMinutes(5))
      .setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(1).build())
      .build();

  static Endpoint endpoint(LocalServer db) {
    return new Endpoint(db.host(), db.port(), "root", db.rootPasswordRef());
  }

  CopyInput copyInput() {
    CopyInput in = new CopyInput();
    in.migrationId = "inline";
    in.method = "physical-backup";
    in.from = endpoint(src());
    in.target = endpoint(dst());
    in.copy.writeMethod = WriteMethod.LOAD_DATA;
    in.inlineChecksums = 1;
    return in;
  }

  /** Loads Sakila and rt.types on the source, the empty tables on the target, copies them chunk by chunk. */
  void setUpServers() throws Exception {
    Sakila.load(src());
    dst().loadSqlFile(Sakila.dir().resolve("sakila-mv-schema.sql"));
    for (String trg : dst().queryRows("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'sakila'")) {
      dst().sql("DROP TRIGGER sakila.`" + trg + "`"); // the copy never fires triggers (created after verify)
    }
    TypeRoundTripTest.createTypes(src(), dst());
    for (String t : src().queryRows("SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) FROM information_schema.TABLES"
        + " WHERE TABLE_SCHEMA IN ('sakila', 'rt') AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1")) {
      String[] p = t.split("\\.", 2);
      tables.add(new TableRef(p[0], p[1]));
    }
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new CopyActivitiesImpl(CopyTestSupport.CONNECTOR, (id, progress) -> { }),
        new VerifyActivitiesImpl(CopyTestSupport.CONNECTOR));
    copy = env.newActivityStub(CopyActivities.class, ONCE);
    verify = env.newActivityStub(VerifyActivities.class, ONCE);
    for (TableRef t : tables) {
      List<Chunk> all = new ArrayList<>();
      Chunk previous = null;
      while (true) {
        ChunkPlan page = copy.planPage(copyInput(), List.of(t), previous, 1000, "rt.types".equals(t.qualified()) ? 4 : CHUNK_ROWS).get(0);
        all.addAll(page.chunks);
        if (page.complete) break;
        previous = page.chunks.get(page.chunks.size() - 1);
      }
      chunks.put(t.qualified(), all);
      results.put(t.qualified(), copy.copyChunks(copyInput(), all));
    }
  }

  void tearDownServers() {
    if (env != null) env.close();
  }

  /** The sums verify gets from the copy: each table's chunks combined, none unknown. */
  Map<String, TableSums> sums() {
    Map<String, TableSums> out = new LinkedHashMap<>();
    for (TableRef t : tables) {
      TableSums s = new TableSums();
      List<Chunk> cs = chunks.get(t.qualified());
      List<ChunkResult> rs = results.get(t.qualified());
      for (int i = 0; i < cs.size(); i++) assertTrue(s.add(rs.get(i), cs.get(i)), t + " chunk " + i);
      out.put(t.qualified(), s);
    }
    return out;
  }

  VerifyResult verifyInline(Map<String, TableSums> sums) {
    VerifyInput in = new VerifyInput();
    in.migrationId = "inline";
    in.target = endpoint(dst());
    in.frozen = new FrozenCopy();
    in.frozen.method = "physical-backup";
    in.frozen.endpoint = endpoint(src());
    in.tables = tables;
    in.inlineChecksums = 1;
    in.inline = sums;
    return verify.verify(in);
  }

  ContentSum table(LocalServer db, TableRef t) throws Exception {
    try (Connection c = CopyTestSupport.CONNECTOR.openRaw(db.name(), endpoint(db))) {
      return TableChecksummer.crcTable(c, TableMeta.read(c, t));
    }
  }

  ContentSum chunk(LocalServer db, Chunk ch) throws Exception {
    try (Connection c = CopyTestSupport.CONNECTOR.openRaw(db.name(), endpoint(db))) {
      return TableChecksummer.crcChunk(c, TableMeta.read(c, ch.table), ch);
    }
  }

  @Test
  void theSameSumsOnBothSidesForEveryTypeAndEveryChunk() throws Exception {
    assertTrue(tables.size() >= 17, tables.toString());
    for (TableRef t : tables) {
      ContentSum combined = null;
      List<ChunkResult> rs = results.get(t.qualified());
      for (ChunkResult r : rs) {
        assertNotNull(r.source, t + "#" + r.ordinal);
        assertTrue(r.source.sameAs(r.target), t + "#" + r.ordinal + ": " + r.source + " vs " + r.target);
        assertEquals(r.rows, r.source.rows, t + "#" + r.ordinal);
        combined = r.source.plus(combined);
      }
      ContentSum onSource = table(src(), t);
      assertTrue(onSource.sameAs(combined), t + ": chunks " + combined + ", table " + onSource);
      assertTrue(onSource.sameAs(table(dst(), t)), t + " on the target");
    }
    assertTrue(table(src(), new TableRef("sakila", "payment")).rows > 16000);
  }

  @Test
  void theStagedTransportTakesTheSourceSumAtTheDumpAndTheTargetsAtTheLoad() throws Exception {
    java.nio.file.Path stage = java.nio.file.Files.createTempDirectory("inline-stage-");
    List<Chunk> cs = chunks.get("sakila.rental").subList(0, 3);
    TestActivityEnvironment e = TestActivityEnvironment.newInstance();
    try {
      e.registerActivitiesImplementations(new dev.migrator.adapters.StagedCopyActivitiesImpl(CopyTestSupport.CONNECTOR, region -> null));
      dev.migrator.activities.StagedCopyActivities staged = e.newActivityStub(dev.migrator.activities.StagedCopyActivities.class, ONCE);
      CopyInput in = copyInput();
      in.copy.transport = "staged";
      in.copy.stage = new dev.migrator.model.StageOptions();
      in.copy.stage.location = stage.toString();
      List<dev.migrator.model.StagedChunk> dumped = staged.dumpChunks(in, cs);
      List<ChunkResult> loaded = staged.loadChunks(in, dumped);
      for (int i = 0; i < cs.size(); i++) {
        ChunkResult r = loaded.get(i);
        assertTrue(chunk(src(), cs.get(i)).sameAs(dumped.get(i).source), "dump: " + dumped.get(i).source);
        assertTrue(r.source.sameAs(r.target), r.source + " vs " + r.target);
        assertTrue(chunk(dst(), cs.get(i)).sameAs(r.target));
        assertTrue(results.get("sakila.rental").get(i).source.sameAs(r.source), "the direct copy's sum");
      }
      staged.deleteStage(in);
    } finally {
      e.close();
    }
  }

  /** Whether the integer key {@code id} is in the chunk's range. */
  static boolean holds(Chunk c, long id) {
    boolean lo = c.lower == null || (c.lowerInclusive ? Long.parseLong(c.lower.get(0).value) <= id
        : Long.parseLong(c.lower.get(0).value) < id);
    return lo && (c.upper == null || id <= Long.parseLong(c.upper.get(0).value));
  }

  @Test
  void everyColumnIsInTheSum() throws Exception {
    TableRef types = new TableRef("rt", "types");
    Chunk first = chunks.get("rt.types").stream().filter(c -> holds(c, 2)).findFirst().orElseThrow();
    assertTrue(holds(first, 1), "rows 1 and 2 in one chunk: " + first);
    ContentSum before = chunk(dst(), first);
    List<String> cols = new ArrayList<>();
    try (Connection c = CopyTestSupport.CONNECTOR.openRaw(dst().name(), endpoint(dst()))) {
      for (Column col : TableMeta.read(c, types).writable()) if (!"id".equals(col.name())) cols.add(col.name());
    }
    assertTrue(cols.size() >= 30, cols.toString());
    for (String col : cols) {
      // Row 2 holds a non-NULL value in every column: NULL is a different value.
      dst().sql("UPDATE rt.types SET `" + col.replace("`", "``") + "` = NULL WHERE id = 2");
      assertFalse(before.sameAs(chunk(dst(), first)), col + " is not in the sum");
      copy.copyChunks(copyInput(), List.of(first)); // back to the source's rows
      assertTrue(before.sameAs(chunk(dst(), first)), col + " restored");
    }
    // Empty string and NULL differ (row 1 has '' where row 3 has NULL).
    dst().sql("UPDATE rt.types SET u8 = NULL WHERE id = 1");
    assertFalse(before.sameAs(chunk(dst(), first)));
    copy.copyChunks(copyInput(), List.of(first));
  }

  @Test
  void verifyInlineMatchesThenFindsAChunkAlteredOnTheTargetAfterItsCopy() throws Exception {
    VerifyResult ok = verifyInline(sums());
    assertTrue(ok.ok, ok.summary());
    assertEquals(tables.size(), ok.tables.size());
    for (TableVerification v : ok.tables) assertTrue(v.source.checksum.startsWith("crc:"), v.source.toString());

    // One cent on one payment, after its chunk was copied and checksummed (last_update kept: ON UPDATE).
    dst().sql("UPDATE sakila.payment SET amount = amount + 0.01, last_update = last_update WHERE payment_id = 1234");
    try {
      VerifyResult bad = verifyInline(sums());
      assertFalse(bad.ok);
      assertEquals(List.of("sakila.payment"), bad.tables.stream().filter(v -> !v.match).map(v -> v.table).toList());
      TableVerification p = bad.tables.stream().filter(v -> !v.match).findFirst().orElseThrow();
      assertEquals(p.source.rows, p.target.rows, "same rows, different content");
    } finally {
      dst().sql("UPDATE sakila.payment SET amount = amount - 0.01, last_update = last_update WHERE payment_id = 1234");
    }
    // A row added on the target is found too (the count).
    dst().sql("SET SESSION foreign_key_checks = 0",
        "INSERT INTO sakila.category (category_id, name) VALUES (200, 'extra')");
    try {
      VerifyResult extra = verifyInline(sums());
      assertEquals(List.of("sakila.category"), extra.tables.stream().filter(v -> !v.match).map(v -> v.table).toList());
    } finally {
      dst().sql("DELETE FROM sakila.category WHERE category_id = 200");
    }
  }

  @Test
  void aCrashBetweenCommitAndChecksumLeavesTheChunkUnknownAndVerifyReadsItAgain() throws Exception {
    TableRef rental = new TableRef("sakila", "rental");
    List<Chunk> cs = chunks.get("sakila.rental").subList(0, 4);
    // The lost attempt: chunk 2 commits, then the worker dies before its checksums.
    try {
      CopyActivitiesImpl.afterCommitHook(c -> {
        if (c.ordinal == cs.get(2).ordinal) throw new IllegalStateException("worker killed after the commit of " + c.id());
      });
      assertThrows(RuntimeException.class, () -> copy.copyChunks(copyInput(), cs));
    } finally {
      CopyActivitiesImpl.afterCommitHook(c -> { });
    }
    // The retry: its heartbeat says 2 chunks committed (their sums went with the lost attempt).
    List<ChunkResult> retried;
    TestActivityEnvironment retry = TestActivityEnvironment.newInstance();
    try {
      retry.registerActivitiesImplementations(new CopyActivitiesImpl(CopyTestSupport.CONNECTOR, (id, progress) -> { }));
      retry.setHeartbeatDetails(new long[] {2, 0, 0});
      retried = retry.newActivityStub(CopyActivities.class, ONCE).copyChunks(copyInput(), cs);
    } finally {
      retry.close();
    }
    assertNull(retried.get(0).source, "skipped: unknown");
    assertNull(retried.get(1).source, "skipped: unknown");
    assertNotNull(retried.get(2).source, "copied again, with its sums");
    Map<String, TableSums> sums = sums();
    TableSums r = new TableSums();
    List<Chunk> all = chunks.get("sakila.rental");
    for (int i = 0; i < all.size(); i++) r.add(i < cs.size() ? retried.get(i) : results.get("sakila.rental").get(i), all.get(i));
    assertEquals(List.of(cs.get(0).ordinal, cs.get(1).ordinal), r.unknown.stream().map(c -> c.ordinal).toList());
    sums.put(rental.qualified(), r);
    VerifyResult ok = verifyInline(sums);
    assertTrue(ok.ok, ok.summary());

    // An unknown chunk changed on the target is found: verify reads the target afresh.
    dst().sql("SET SESSION foreign_key_checks = 0", "DELETE FROM sakila.rental WHERE rental_id = "
        + src().query("SELECT MIN(rental_id) FROM sakila.rental"));
    try {
      VerifyResult bad = verifyInline(sums);
      assertEquals(List.of("sakila.rental"), bad.tables.stream().filter(v -> !v.match).map(v -> v.table).toList());
    } finally {
      copy.copyChunks(copyInput(), List.of(cs.get(0)));
    }
  }
}
