package dev.migrator.copy;

import static dev.migrator.copy.CopyTestSupport.assertSame;
import static dev.migrator.copy.CopyTestSupport.both;
import static dev.migrator.copy.CopyTestSupport.copyAll;
import static dev.migrator.copy.CopyTestSupport.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.CopyOptions.WriteMethod;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every column type the product promises, copied chunk by chunk, byte-exact on the target. */
class TypeRoundTripTest {
  static LocalMariaDb src;
  static LocalMariaDb dst;

  static final String DDL = "CREATE TABLE rt.types ("
      + " id INT PRIMARY KEY,"
      + " ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,"
      + " mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,"
      + " d DECIMAL(65,30), f FLOAT, dbl DOUBLE,"
      + " b1 BIT(1), b64 BIT(64), y YEAR,"
      + " dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(6),"
      + " e ENUM('a','b','c'), st SET('x','y','z'),"
      + " u8 VARCHAR(60) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,"
      + " l1 VARCHAR(60) CHARACTER SET latin1,"
      + " bl LONGBLOB, tx LONGTEXT CHARACTER SET utf8mb4, vb VARBINARY(64), bn BINARY(8),"
      + " j JSON,"
      + " `select` INT, `we``ird` VARCHAR(10),"
      + " gv BIGINT AS (i + 1) VIRTUAL,"
      + " gs VARCHAR(80) CHARACTER SET utf8mb4 AS (CONCAT(u8, '!')) STORED"
      + ") DEFAULT CHARSET=utf8mb4";

  static final String COLS = "(id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, d, f, dbl, b1, b64, y, dt, dtm, ts, tm,"
      + " e, st, u8, l1, bl, tx, vb, bn, j, `select`, `we``ird`)";

  @BeforeAll
  static void start() {
    src = LocalMariaDb.start("rt-src");
    dst = LocalMariaDb.start("rt-dst");
    createTypes(src, dst);
  }

  /**
   * Creates rt.types on both servers and fills it on {@code src} with every awkward value (also
   * used by StagedCopyTest): extremes, NULLs, zero dates, emoji, latin1, 0x00 in binaries, JSON,
   * generated columns, a multi-MB row, then 54 ordinary rows.
   */
  static void createTypes(dev.migrator.testkit.LocalServer src, dev.migrator.testkit.LocalServer dst) {
    both(src, dst, "CREATE DATABASE rt", DDL);
    src.sql("SET SESSION sql_mode = ''", "SET SESSION time_zone = '+00:00'",
        "INSERT INTO rt.types " + COLS + " VALUES"
            // minimums
            + " (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,"
            + " '-99999999999999999999999999999999999.999999999999999999999999999999', -3.4028234e38, -1.7976931348623157e308,"
            + " b'0', b'0', 1901, '1000-01-01', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000000', '-838:59:59.000000',"
            + " 'a', '', '', '', '', '', '', '', '[]', -1, '')",
            // maximums
            "INSERT INTO rt.types " + COLS + " VALUES"
            + " (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,"
            + " '99999999999999999999999999999999999.999999999999999999999999999999', 3.4028234e38, 1.7976931348623157e308,"
            + " b'1', b'1111111111111111111111111111111111111111111111111111111111111111', 2155, '9999-12-31',"
            + " '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '838:59:59.000000',"
            + " 'c', 'x,y,z', 'max', 'max', x'FF', 'max', x'FF', x'FFFFFFFFFFFFFFFF', '{\"max\": 1}', 2147483647, 'zz')",
            // NULL everywhere
            "INSERT INTO rt.types (id) VALUES (3)",
            // zero dates, odd times, precision traps
            "INSERT INTO rt.types " + COLS + " VALUES"
            + " (4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '0.000000000000000000000000000001', 12345678, 0.1,"
            + " b'1', b'1000000000000000000000000000000000000000000000000000000000000001', 0, '0000-00-00',"
            + " '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00.000000', '-123:45:06.500001',"
            + " 'b', 'x,z', 'emoji 😀🇩🇪 ☃', 'Ã©tÃ© caf\u00e9 na\u00efve \u00c5ngstr\u00f6m', x'00', 'a\\0b\\tc\\nd\\\\e\\rf', x'00000100', x'0001',"
            + " '{\"a\": [1, 2.50, \"\u00e9\\\\u0000\"], \"b\": null, \"\u00fc\": \"😀\"}', 0, '`')",
            "INSERT INTO rt.types " + COLS + " VALUES"
            + " (5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9223372036854775808, '123.456', 1.17549435e-38, 0.30000000000000004,"
            + " NULL, b'101', 2000, '2024-02-29', '2024-02-29 23:59:59.999999', '2024-02-29 12:00:00.000001', '25:00:00.000001',"
            + " NULL, NULL, '', NULL, '', '', '', NULL, NULL, NULL, NULL)",
            // big values: several MB of binary with 0x00 and of multi-byte text
            "INSERT INTO rt.types (id, bl, tx, u8, i) VALUES (6, REPEAT(x'00FF0A5C0927', 700000),"
            + " REPEAT('é😀\\t\\n\\\\x', 400000), 'big', 7)");
    for (int i = 7; i <= 60; i++) {
      src.sql("INSERT INTO rt.types (id, i, dbl, f, u8, dtm, tm) VALUES (" + i + ", " + (i * 7919) + ", " + i
          + ".1e-3, " + i + ".123456789, 'r" + i + "', '2020-01-01 00:00:00.123456' + INTERVAL " + i
          + " HOUR, SEC_TO_TIME(" + i * -3601 + ".25))");
    }
    src.sql("ANALYZE TABLE rt.types"); // row estimate for the planner, not left to background stats
  }

  @AfterAll
  static void stop() {
    if (src != null) src.close();
    if (dst != null) dst.close();
  }

  @ParameterizedTest
  @EnumSource(value = WriteMethod.class, names = {"INSERT", "LOAD_DATA"}) // AUTO resolves to one of them per target
  void everyTypeRoundTripsExactly(WriteMethod m) throws Exception {
    dst.sql("DELETE FROM rt.types");
    // small chunks so the multi-MB row and the odd rows land in different chunks
    ChunkPlan plan = plan(src, "rt", "types", 4, 0);
    assertEquals("int-range", plan.method);
    List<ChunkResult> results = copyAll(src, dst, plan, m);
    assertEquals(60, results.stream().mapToLong(r -> r.rows).sum());
    assertSame(src, dst, "rt", "types");
    // spot checks against the server's own text, not against our own reading
    assertEquals("0000-00-00", dst.query("SELECT dt FROM rt.types WHERE id = 4"));
    assertEquals("-123:45:06.500001", dst.query("SELECT tm FROM rt.types WHERE id = 4"));
    assertEquals("25:00:00.000001", dst.query("SELECT tm FROM rt.types WHERE id = 5"));
    assertEquals("12345678", dst.query("SELECT CAST(f AS DECIMAL(20,0)) FROM rt.types WHERE id = 4"));
    assertEquals("18446744073709551615", dst.query("SELECT biu FROM rt.types WHERE id = 2"));
    assertEquals("00000100", dst.query("SELECT HEX(vb) FROM rt.types WHERE id = 4"));
    assertEquals("FFFFFFFFFFFFFFFF", dst.query("SELECT HEX(b64) FROM rt.types WHERE id = 2"));
    assertEquals(src.query("SELECT MD5(bl) FROM rt.types WHERE id = 6"), dst.query("SELECT MD5(bl) FROM rt.types WHERE id = 6"));
    assertEquals(src.query("SELECT HEX(l1) FROM rt.types WHERE id = 4"), dst.query("SELECT HEX(l1) FROM rt.types WHERE id = 4"));
    assertEquals(src.query("SELECT HEX(u8) FROM rt.types WHERE id = 4"), dst.query("SELECT HEX(u8) FROM rt.types WHERE id = 4"));
    assertEquals("8", dst.query("SELECT gv FROM rt.types WHERE id = 6"));
    // per-chunk checksums agree
    for (var c : plan.chunks) {
      assertEquals(CopyTestSupport.checksum(src, c).toString(), CopyTestSupport.checksum(dst, c).toString());
    }
  }

  /** The live-consistent path's keyset copy (4 rows at a time after the last key), with either writer. */
  @ParameterizedTest
  @EnumSource(value = WriteMethod.class, names = {"INSERT", "LOAD_DATA"})
  void everyTypeRoundTripsThroughTheLiveKeysetCopy(WriteMethod m) throws Exception {
    dst.sql("DELETE FROM rt.types");
    try (java.sql.Connection s = CopyTestSupport.open(src); java.sql.Connection d = CopyTestSupport.open(dst)) {
      ChunkCopier.prepareTargetSession(d);
      d.setAutoCommit(false);
      TableMeta meta = TableMeta.read(s, new dev.migrator.model.TableRef("rt", "types"));
      Object[] after = null;
      long rows = 0;
      for (int round = 0; round < 100; round++) {
        ChunkCopier.ChunkResult c = m == WriteMethod.LOAD_DATA ? ChunkCopier.copyLoadData(s, d, meta, after, 4)
            : ChunkCopier.copy(s, d, meta, after, 4);
        d.commit();
        rows += c.rows();
        if (c.rows() < 4) break;
        after = c.lastKey();
      }
      assertEquals(60, rows);
    }
    assertSame(src, dst, "rt", "types");
  }

  /** The checksum must see a difference the server's text form of FLOAT would hide. */
  @Test
  void checksumSeesFloatPrecision() throws Exception {
    both(src, dst, "CREATE DATABASE IF NOT EXISTS fl", "CREATE TABLE IF NOT EXISTS fl.t (id INT PRIMARY KEY, f FLOAT)");
    src.sql("REPLACE INTO fl.t VALUES (1, 12345678)");
    dst.sql("REPLACE INTO fl.t VALUES (1, 12345679)"); // same 6-digit text "1.23457e7", another float
    ChunkPlan p = plan(src, "fl", "t", 10, 0);
    assertNotEquals(CopyTestSupport.checksum(src, p.chunks.get(0)).checksum,
        CopyTestSupport.checksum(dst, p.chunks.get(0)).checksum);
    copyAll(src, dst, p, WriteMethod.INSERT);
    assertSame(src, dst, "fl", "t");
  }

  /** AUTO_INCREMENT keys keep the value 0 (NO_AUTO_VALUE_ON_ZERO on the target session) and negatives. */
  @ParameterizedTest
  @EnumSource(value = WriteMethod.class, names = {"INSERT", "LOAD_DATA"}) // AUTO resolves to one of them per target
  void autoIncrementZeroIsKept(WriteMethod m) throws Exception {
    both(src, dst, "CREATE DATABASE IF NOT EXISTS ai",
        "CREATE TABLE IF NOT EXISTS ai.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(5))");
    dst.sql("DELETE FROM ai.t");
    src.sql("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'", "REPLACE INTO ai.t VALUES (0, 'zero'), (-3, 'neg'), (7, 'x')");
    copyAll(src, dst, plan(src, "ai", "t", 2, 0), m);
    assertSame(src, dst, "ai", "t");
    assertEquals("zero", dst.query("SELECT v FROM ai.t WHERE id = 0"));
  }
}
