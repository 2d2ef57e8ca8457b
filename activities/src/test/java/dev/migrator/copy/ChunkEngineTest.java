package dev.migrator.copy;

import static dev.migrator.copy.CopyTestSupport.assertSame;
import static dev.migrator.copy.CopyTestSupport.both;
import static dev.migrator.copy.CopyTestSupport.copy;
import static dev.migrator.copy.CopyTestSupport.copyAll;
import static dev.migrator.copy.CopyTestSupport.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.CopyOptions.WriteMethod;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chunk planning for every key shape, idempotent chunk writes, keyless tables; real servers. */
class ChunkEngineTest {
  static LocalMariaDb src;
  static LocalMariaDb dst;

  @BeforeAll
  static void start() {
    src = LocalMariaDb.start("chunk-src");
    dst = LocalMariaDb.start("chunk-dst");
  }

  @AfterAll
  static void stop() {
    if (src != null) src.close();
    if (dst != null) dst.close();
  }

  /** Inserts rows in batches of 500 values. */
  static void insert(LocalMariaDb db, String table, List<String> tuples) {
    for (int i = 0; i < tuples.size(); i += 500) {
      db.sql("INSERT INTO " + table + " VALUES " + String.join(",", tuples.subList(i, Math.min(tuples.size(), i + 500))));
    }
  }

  /**
   * Plans, copies every chunk and checks: rows exact on the target, chunks cover every row once
   * (per-chunk counts add up to the table), per-chunk checksums agree, walked chunks are exact.
   */
  static ChunkPlan copyAndCheck(String schema, String table, long chunkRows, String expectMethod) throws Exception {
    src.sql("ANALYZE TABLE `" + schema + "`.`" + table + "`");
    ChunkPlan plan = plan(src, schema, table, chunkRows, 0);
    assertEquals(expectMethod, plan.method, plan.toString());
    List<ChunkResult> copied = copyAll(src, dst, plan, WriteMethod.INSERT);
    long total = Long.parseLong(src.query("SELECT COUNT(*) FROM `" + schema + "`.`" + table + "`"));
    long sum = 0;
    for (int i = 0; i < plan.chunks.size(); i++) {
      Chunk c = plan.chunks.get(i);
      ChunkResult s = CopyTestSupport.checksum(src, c);
      assertEquals(s.toString(), CopyTestSupport.checksum(dst, c).toString(), "chunk " + c);
      assertEquals(s.rows, copied.get(i).rows, "rows copied in " + c);
      if ("index-walk".equals(plan.method) && i < plan.chunks.size() - 1) assertEquals(chunkRows, s.rows, c.toString());
      sum += s.rows;
    }
    assertEquals(total, sum, "chunks cover every row exactly once");
    assertNull(plan.chunks.get(0).lower);
    assertNull(plan.chunks.get(plan.chunks.size() - 1).upper);
    assertSame(src, dst, schema, table);
    return plan;
  }

  @Test
  void denseIntegerKeyIsSplitByRange() throws Exception {
    both(src, dst, "CREATE DATABASE k_int", "CREATE TABLE k_int.t (id INT PRIMARY KEY, v VARCHAR(20))");
    List<String> rows = new ArrayList<>();
    for (int i = 1; i <= 2000; i++) rows.add("(" + i + ", 'v" + i + "')");
    insert(src, "k_int.t", rows);
    ChunkPlan p = copyAndCheck("k_int", "t", 250, "int-range");
    assertTrue(p.chunks.size() >= 4 && p.chunks.size() <= 20, p.toString());
  }

  @Test
  void aRetryFindsTheChunksTheLostAttemptCommittedAfterItsLastHeartbeat() throws Exception {
    both(src, dst, "CREATE DATABASE k_resume", "CREATE TABLE k_resume.t (id INT PRIMARY KEY, v VARCHAR(20))");
    List<String> rows = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) rows.add("(" + i + ", 'v" + i + "')");
    insert(src, "k_resume.t", rows);
    src.sql("ANALYZE TABLE k_resume.t");
    ChunkPlan p = plan(src, "k_resume", "t", 200, 0);
    assertTrue(p.chunks.size() >= 5, p.toString());
    // The lost attempt committed chunks 0..2; its last heartbeat that arrived said 1.
    for (int i = 0; i < 3; i++) copy(src, dst, p.chunks.get(i), WriteMethod.LOAD_DATA);
    List<dev.migrator.model.ChunkResult> found = new ArrayList<>();
    try (java.sql.Connection s = CopyTestSupport.open(src); java.sql.Connection d = CopyTestSupport.open(dst)) {
      TableMeta meta = TableMeta.read(s, p.table);
      int n = CommittedChunks.alreadyCopied(s, d, p.chunks, 1, t -> meta, found);
      assertEquals(2, n, "chunks 1 and 2 are on the target; 3 is not");
      assertEquals(List.of(1, 2), found.stream().map(f -> f.ordinal).toList());
      assertTrue(found.get(0).rows > 0);
      // the staged load's version counts the target's rows of each range against what the dump wrote
      List<dev.migrator.model.StagedChunk> staged = new ArrayList<>();
      for (Chunk c : p.chunks) {
        staged.add(new dev.migrator.model.StagedChunk(c, "f", TableChecksummer.checksumChunk(s, meta, c).rows, 0));
      }
      List<dev.migrator.model.ChunkResult> loaded = new ArrayList<>();
      assertEquals(2, CommittedChunks.alreadyLoaded(d, staged, 1, t -> meta, loaded));
      assertEquals(List.of(1, 2), loaded.stream().map(f -> f.ordinal).toList());
      // a chunk changed on the target (half-written by someone else) is not taken as copied
      dst.sql("DELETE FROM k_resume.t WHERE id = (SELECT MIN(id) FROM (SELECT id FROM k_resume.t) x)");
      found.clear();
      assertEquals(0, CommittedChunks.alreadyCopied(s, d, p.chunks, 0, t -> meta, found));
    }
  }

  @Test
  void sparseNegativeBigintKeyIsWalked() throws Exception {
    both(src, dst, "CREATE DATABASE k_sparse", "CREATE TABLE k_sparse.t (id BIGINT PRIMARY KEY, v INT)");
    TreeSet<Long> ids = new TreeSet<>(List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1_000_000_000_000_000L, -5L, -1L, 0L,
        1L, 7L, 1_000_000_000_000L, Long.MAX_VALUE - 1, Long.MAX_VALUE));
    Random r = new Random(42);
    while (ids.size() < 700) ids.add(r.nextLong());
    List<String> rows = new ArrayList<>();
    for (long id : ids) rows.add("(" + id + ", " + r.nextInt() + ")");
    insert(src, "k_sparse.t", rows);
    ChunkPlan p = copyAndCheck("k_sparse", "t", 64, "index-walk");
    assertEquals((700 + 63) / 64, p.chunks.size());
    assertEquals(700 % 64, CopyTestSupport.checksum(src, p.chunks.get(p.chunks.size() - 1)).rows);
  }

  @Test
  void unsignedBigintAtTheLimits() throws Exception {
    both(src, dst, "CREATE DATABASE k_u64", "CREATE TABLE k_u64.sparse (id BIGINT UNSIGNED PRIMARY KEY)",
        "CREATE TABLE k_u64.dense (id BIGINT UNSIGNED PRIMARY KEY)");
    BigInteger top = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);
    List<String> sparse = new ArrayList<>();
    for (BigInteger b : List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO.pow(63).subtract(BigInteger.ONE),
        BigInteger.TWO.pow(63), top.subtract(BigInteger.TWO), top.subtract(BigInteger.ONE), top)) {
      sparse.add("(" + b + ")");
    }
    insert(src, "k_u64.sparse", sparse);
    // 1-row chunks: neighbours near 2^64 differ in the last digit, which a double compare would lose
    ChunkPlan p = copyAndCheck("k_u64", "sparse", 1, "index-walk");
    assertEquals(7, p.chunks.size(), "no empty chunk after the last row");
    assertEquals(top.subtract(BigInteger.ONE).toString(), p.chunks.get(5).upper.get(0).value);
    List<String> dense = new ArrayList<>();
    for (int i = 0; i < 300; i++) dense.add("(" + top.subtract(BigInteger.valueOf(i)) + ")");
    insert(src, "k_u64.dense", dense);
    ChunkPlan d = copyAndCheck("k_u64", "dense", 7, "int-range");
    assertTrue(d.chunks.size() > 10, d.toString());
  }

  @Test
  void compositeKey() throws Exception {
    both(src, dst, "CREATE DATABASE k_comp",
        "CREATE TABLE k_comp.t (a INT NOT NULL, b VARCHAR(10) NOT NULL, c VARBINARY(4) NOT NULL, v INT,"
            + " PRIMARY KEY (a, b, c))");
    List<String> rows = new ArrayList<>();
    for (int a = -3; a < 7; a++) {
      for (String b : List.of("", "A", "b", "Zz")) {
        for (int c = 0; c < 5; c++) rows.add("(" + a + ", '" + b + "', x'0" + c + "00', " + (a * 100 + c) + ")");
      }
    }
    insert(src, "k_comp.t", rows);
    copyAndCheck("k_comp", "t", 7, "index-walk");
  }

  @Test
  void caseInsensitiveStringKey() throws Exception {
    both(src, dst, "CREATE DATABASE k_ci",
        "CREATE TABLE k_ci.t (k VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci PRIMARY KEY, v INT)");
    // general_ci: 'a' = 'A' = 'á', ORDER BY and > follow the collation, not the bytes or Java's order
    List<String> keys = List.of("apple", "Banana", "cherry", "Äpfel", "ZEBRA", "zucchini", "éclair", "Éz", "b", "B2",
        "a ", "😀 smile", "ß", "straße2", "_under", "~tilde", "0", "10", "9", "MiXeD", "mixed2", "Ω", "ø", "ñandú");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) rows.add("('" + keys.get(i) + "', " + i + ")");
    insert(src, "k_ci.t", rows);
    copyAndCheck("k_ci", "t", 3, "index-walk");
  }

  @Test
  void binaryKeyWithZeroBytes() throws Exception {
    both(src, dst, "CREATE DATABASE k_bin", "CREATE TABLE k_bin.t (k VARBINARY(16) PRIMARY KEY, v INT)");
    Random r = new Random(7);
    TreeSet<String> keys = new TreeSet<>(List.of("00", "0000", "000001", "FF", "FFFF", "7F", "80", "61", "41"));
    while (keys.size() < 150) {
      byte[] b = new byte[1 + r.nextInt(6)];
      r.nextBytes(b);
      keys.add(java.util.HexFormat.of().formatHex(b));
    }
    List<String> rows = new ArrayList<>();
    for (String k : keys) rows.add("(x'" + k + "', 1)");
    insert(src, "k_bin.t", rows);
    copyAndCheck("k_bin", "t", 11, "index-walk");
  }

  @Test
  void enumAndDatetimeKeys() throws Exception {
    both(src, dst, "CREATE DATABASE k_enum", "CREATE DATABASE k_dt", "CREATE DATABASE k_uniq",
        "CREATE TABLE k_enum.e (k ENUM('zulu','alpha','mike') PRIMARY KEY, v INT)",
        "CREATE TABLE k_dt.d (k DATETIME(6) PRIMARY KEY, v INT)",
        "CREATE TABLE k_uniq.u (id INT NULL, code CHAR(3) NOT NULL, v INT, UNIQUE KEY u_code (code), UNIQUE KEY u_id (id))");
    src.sql("INSERT INTO k_enum.e VALUES ('alpha', 1), ('zulu', 2), ('mike', 3)");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) rows.add("('2020-01-01 00:00:00.000001' + INTERVAL " + (i * 37) + " MINUTE, " + i + ")");
    insert(src, "k_dt.d", rows);
    rows.clear();
    for (int i = 0; i < 30; i++) rows.add("(" + (i % 3 == 0 ? "NULL" : String.valueOf(i)) + ", 'c" + i + "', " + i + ")");
    insert(src, "k_uniq.u", rows);
    ChunkPlan e = copyAndCheck("k_enum", "e", 1, "index-walk");
    assertEquals(List.of("1", "2"), e.chunks.stream().filter(c -> c.upper != null).map(c -> c.upper.get(0).value)
        .collect(java.util.stream.Collectors.toList()), "ENUM bounds are indexes in index order");
    copyAndCheck("k_dt", "d", 6, "index-walk");
    ChunkPlan u = copyAndCheck("k_uniq", "u", 4, "index-walk");
    assertEquals("u_code", u.index, "the nullable unique key is not usable");
  }

  @Test
  void chunkBytesLimitsRowsPerChunk() throws Exception {
    both(src, dst, "CREATE DATABASE k_bytes", "CREATE TABLE k_bytes.t (id INT PRIMARY KEY, pad VARCHAR(2000))");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) rows.add("(" + i * 3 + ", REPEAT('x', 1000))");
    insert(src, "k_bytes.t", rows);
    src.sql("ANALYZE TABLE k_bytes.t");
    ChunkPlan p = plan(src, "k_bytes", "t", 1_000_000, 20_000);
    assertTrue(p.rowsPerChunk < 40 && p.rowsPerChunk >= 5, p.toString());
    copyAndCheck("k_bytes", "t", p.rowsPerChunk, "index-walk");
  }

  @Test
  void emptyTableIsOneOpenChunk() throws Exception {
    both(src, dst, "CREATE DATABASE k_empty", "CREATE TABLE k_empty.t (id INT PRIMARY KEY)");
    dst.sql("INSERT INTO k_empty.t VALUES (5)"); // a stale row on the target goes away
    ChunkPlan p = copyAndCheck("k_empty", "t", 10, "index-walk");
    assertEquals(1, p.chunks.size());
  }

  @Test
  void keylessTableIsCopiedWholeWithAWarning() throws Exception {
    both(src, dst, "CREATE DATABASE k_none", "CREATE TABLE k_none.t (a INT, b TEXT, UNIQUE KEY (a))");
    src.sql("INSERT INTO k_none.t VALUES (1, 'x'), (NULL, 'dup'), (NULL, 'dup'), (2, NULL)");
    dst.sql("INSERT INTO k_none.t VALUES (9, 'stale'), (NULL, 'stale')");
    ChunkPlan p = plan(src, "k_none", "t", 1, 0);
    assertEquals("whole-table", p.method);
    assertEquals(1, p.chunks.size());
    assertTrue(p.chunks.get(0).wholeTable);
    assertEquals(1, p.warnings.size());
    assertTrue(p.warnings.get(0).contains("k_none.t"), p.warnings.toString());
    for (WriteMethod m : new WriteMethod[] {WriteMethod.INSERT, WriteMethod.LOAD_DATA}) {
      for (int i = 0; i < 2; i++) {
        copyAll(src, dst, p, m);
        assertSame(src, dst, "k_none", "t");
      }
    }
  }

  /** Re-running any chunk any number of times, even after the target range was changed, converges. */
  @Test
  void chunkWritesAreIdempotent() throws Exception {
    both(src, dst, "CREATE DATABASE k_idem",
        "CREATE TABLE k_idem.t (a INT NOT NULL, b VARCHAR(8) COLLATE utf8mb4_general_ci NOT NULL, v VARCHAR(20),"
            + " g INT AS (a * 2) STORED, PRIMARY KEY (a, b), KEY (v))");
    Random r = new Random(3);
    List<String> rows = new ArrayList<>();
    TreeSet<String> seen = new TreeSet<>();
    while (rows.size() < 600) {
      int a = r.nextInt(2000) - 1000;
      String b = Integer.toString(r.nextInt(50), 36);
      if (seen.add(a + "/" + b)) rows.add("(" + a + ", '" + b + "', 'v" + r.nextInt() + "')");
    }
    src.sql("INSERT INTO k_idem.t (a, b, v) VALUES " + String.join(",", rows));
    ChunkPlan p = plan(src, "k_idem", "t", 40, 0);
    assertEquals("index-walk", p.method);
    copyAll(src, dst, p, WriteMethod.INSERT);
    assertSame(src, dst, "k_idem", "t");
    WriteMethod[] methods = new WriteMethod[] {WriteMethod.INSERT, WriteMethod.LOAD_DATA};
    for (int round = 0; round < 4; round++) {
      for (int n = 0; n < 5; n++) {
        Chunk c = p.chunks.get(r.nextInt(p.chunks.size()));
        copy(src, dst, c, methods[r.nextInt(methods.length)]);
        assertSame(src, dst, "k_idem", "t");
      }
    }
    // damage the target: deletes, updates, extra rows inside ranges and beyond both ends
    dst.sql("DELETE FROM k_idem.t ORDER BY a, b LIMIT 30",
        "UPDATE k_idem.t SET v = 'changed' ORDER BY a DESC LIMIT 50",
        "INSERT INTO k_idem.t (a, b, v) VALUES (-5000, 'x', 'before'), (5000, 'x', 'after'), (0, 'zzzzzz', 'inside')");
    assertFalse(CopyTestSupport.dump(src, "k_idem", "t").equals(CopyTestSupport.dump(dst, "k_idem", "t")));
    for (Chunk c : p.chunks) {
      for (int i = 0; i < 2; i++) copy(src, dst, c, methods[(c.ordinal + i) % methods.length]);
    }
    assertSame(src, dst, "k_idem", "t");
    // the source changes after planning: the same plan still covers every key
    src.sql("INSERT INTO k_idem.t (a, b, v) VALUES (-99999, 'n', 'new first'), (99999, 'n', 'new last')",
        "DELETE FROM k_idem.t WHERE a BETWEEN 0 AND 100");
    copyAll(src, dst, p, WriteMethod.LOAD_DATA);
    assertSame(src, dst, "k_idem", "t");
  }

  /** The live-consistent copy's keyset pagination (ChunkCopier.copy) on keys a double or a string would misorder. */
  @Test
  void keysetPaginationWithHugeBigintAndEnumKeys() throws Exception {
    both(src, dst, "CREATE DATABASE ks_big", "CREATE DATABASE ks_enum",
        "CREATE TABLE ks_big.t (id BIGINT UNSIGNED PRIMARY KEY, v INT)",
        "CREATE TABLE ks_enum.t (k ENUM('zulu','alpha','mike','bravo') PRIMARY KEY, v INT)");
    List<String> rows = new ArrayList<>();
    BigInteger base = BigInteger.TWO.pow(60);
    for (int i = 0; i < 30; i++) rows.add("(" + base.add(BigInteger.valueOf(i)) + ", " + i + ")");
    for (int i = 0; i < 30; i++) rows.add("(" + BigInteger.TWO.pow(64).subtract(BigInteger.valueOf(i + 1)) + ", " + i + ")");
    insert(src, "ks_big.t", rows);
    src.sql("INSERT INTO ks_enum.t VALUES ('alpha', 1), ('zulu', 2), ('mike', 3), ('bravo', 4)");
    for (String schema : List.of("ks_big", "ks_enum")) {
      try (var s = CopyTestSupport.open(src); var d = CopyTestSupport.open(dst)) {
        TableMeta meta = TableMeta.read(s, new dev.migrator.model.TableRef(schema, "t"));
        ChunkCopier.prepareTargetSession(d);
        d.setAutoCommit(false);
        Object[] after = null;
        while (true) {
          ChunkCopier.ChunkResult r = ChunkCopier.copy(s, d, meta, after, 3);
          d.commit();
          if (r.rows() < 3) break;
          after = r.lastKey();
        }
      }
      assertSame(src, dst, schema, "t");
    }
  }

  /** A chunk that fails half-way leaves the target range exactly as before (the DELETE is rolled back too). */
  @Test
  void failedChunkRollsBackEverything() throws Exception {
    both(src, dst, "CREATE DATABASE k_atomic", "CREATE TABLE k_atomic.t (id INT PRIMARY KEY, v VARCHAR(10))");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) rows.add("(" + i + ", 'v" + i + "')");
    insert(src, "k_atomic.t", rows);
    ChunkPlan p = plan(src, "k_atomic", "t", 3000, 0);
    assertEquals(1, p.chunks.size());
    dst.sql("INSERT INTO k_atomic.t VALUES (1, 'old'), (2500, 'old'), (99999, 'old')");
    // the 2,500th row fails, after the first batches (1,000 rows each) were sent
    dst.sql("CREATE TRIGGER k_atomic.boom BEFORE INSERT ON k_atomic.t FOR EACH ROW"
        + " IF NEW.id = 2400 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; END IF");
    List<String> before = CopyTestSupport.dump(dst, "k_atomic", "t");
    for (WriteMethod m : new WriteMethod[] {WriteMethod.INSERT, WriteMethod.LOAD_DATA}) {
      java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
          () -> copy(src, dst, p.chunks.get(0), m));
      assertTrue(String.valueOf(e.getMessage()).contains("boom"), e.toString());
      assertEquals(before, CopyTestSupport.dump(dst, "k_atomic", "t"), m + " rolled back");
    }
    dst.sql("DROP TRIGGER k_atomic.boom");
    List<Long> seen = new ArrayList<>();
    try (var s = CopyTestSupport.open(src); var d = CopyTestSupport.open(dst)) {
      new ChunkWriter(WriteMethod.INSERT).copyChunk(s, d, TableMeta.read(s, p.table), p.chunks.get(0),
          (n, bytes) -> seen.add(n));
    }
    assertEquals(List.of(1000L, 2000L, 3000L), seen, "progress after each batch");
    assertSame(src, dst, "k_atomic", "t");
  }

  /** Planning page by page gives exactly the chunks of the whole plan (bounded workflow state). */
  @Test
  void planPagesChainIntoTheWholePlan() throws Exception {
    both(src, dst, "CREATE DATABASE k_pages", "CREATE TABLE k_pages.dense (id INT PRIMARY KEY)",
        "CREATE TABLE k_pages.sparse (id BIGINT PRIMARY KEY)", "CREATE TABLE k_pages.none (v INT)");
    List<String> dense = new ArrayList<>();
    List<String> sparse = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      dense.add("(" + (i - 500) + ")");
      sparse.add("(" + (i * 1_000_003L * (i % 2 == 0 ? 1 : -1)) + ")");
    }
    insert(src, "k_pages.dense", dense);
    insert(src, "k_pages.sparse", sparse);
    src.sql("INSERT INTO k_pages.none VALUES (1), (1)", "ANALYZE TABLE k_pages.dense, k_pages.sparse");
    for (String t : List.of("dense", "sparse", "none")) {
      try (var s = CopyTestSupport.open(src)) {
        TableMeta meta = TableMeta.read(s, new dev.migrator.model.TableRef("k_pages", t));
        ChunkPlan whole = ChunkPlanner.plan(s, meta, 45, 0);
        assertTrue(whole.complete);
        List<Chunk> paged = new ArrayList<>();
        Chunk previous = null;
        int pages = 0;
        while (true) {
          ChunkPlan page = CopyTestSupport.viaTemporal(ChunkPlanner.planPage(s, meta, 45, 0, previous, 4));
          assertTrue(page.chunks.size() <= 4);
          pages++;
          paged.addAll(page.chunks);
          if (page.complete) break;
          previous = page.chunks.get(page.chunks.size() - 1);
        }
        assertEquals(CopyTestSupport.JSON.writeValueAsString(whole.chunks), CopyTestSupport.JSON.writeValueAsString(paged), t);
        assertEquals((whole.chunks.size() + 3) / 4, pages, t);
        assertTrue(ChunkPlanner.planPage(s, meta, 45, 0, paged.get(paged.size() - 1), 4).chunks.isEmpty());
      }
    }
    ChunkPlan d = plan(src, "k_pages", "dense", 45, 0);
    assertEquals("int-range", d.method);
    assertEquals("index-walk", plan(src, "k_pages", "sparse", 45, 0).method);
  }


  /** Chunks of one table written by parallel copy slots, twice over, do not block or deadlock each other. */
  @Test
  void parallelChunkWritersDoNotDeadlock() throws Exception {
    both(src, dst, "CREATE DATABASE k_par", "CREATE TABLE k_par.t (id INT PRIMARY KEY, v VARCHAR(30), KEY (v))");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 4000; i++) rows.add("(" + (i * 3) + ", 'v" + (i % 97) + "')");
    if (!Boolean.getBoolean("parEmpty")) dst.sql("INSERT INTO k_par.t VALUES (-1, 'stale'), (5, 'stale'), (99999, 'stale')"); // not empty
    insert(src, "k_par.t", rows);
    ChunkPlan p = plan(src, "k_par", "t", 100, 0);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 3; round++) {
        List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
        for (int slot = 0; slot < 4; slot++) {
          final int sl = slot;
          fs.add(pool.submit(() -> {
            try (var s = CopyTestSupport.open(src); var d = CopyTestSupport.open(dst)) {
              d.createStatement().execute("SET SESSION innodb_lock_wait_timeout = 20");
              TableMeta meta = TableMeta.read(s, p.table);
              ChunkWriter w = new ChunkWriter(sl % 2 == 0 ? WriteMethod.INSERT : WriteMethod.LOAD_DATA);
              for (Chunk c : p.chunks) if (c.ordinal % 4 == sl) w.copyChunk(s, d, meta, c);
            }
            return null;
          }));
        }
        for (var f : fs) {
          try {
            f.get(300, java.util.concurrent.TimeUnit.SECONDS); // a guard against a hang, not a timing assertion
          } catch (Exception e) {
            System.err.println(dst.queryRows("SHOW ENGINE INNODB STATUS"));
            throw e;
          }
        }
        assertSame(src, dst, "k_par", "t");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
