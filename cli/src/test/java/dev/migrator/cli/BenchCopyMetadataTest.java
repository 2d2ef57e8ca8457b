package dev.migrator.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's reading of mydumper's metadata file (the position its caught-up row replicates
 * from): 1.0.1's [source] section as it wrote it against MySQL 9.7, 0.10.1's SHOW MASTER STATUS
 * block, and none (0.10.1 on MySQL 8.4+); and medians of trials with skipped rows.
 */
class BenchCopyMetadataTest {
  @TempDir
  Path dir;

  @Test
  void debian0101Format() throws Exception {
    Path m = dir.resolve("metadata");
    Files.writeString(m, "Started dump at: 2026-12-02 13:59:37\nSHOW MASTER STATUS:\n\tLog: mysql-bin.000002\n"
        + "\tPos: 39171950\n\tGTID:0-1-120\n\nFinished dump at: 2026-12-02 13:59:37\n");
    assertArrayEquals(new String[] {"mysql-bin.000002", "39171950"}, BenchCopyCommand.dumpPosition(m));
  }

  @Test
  void upstream101Format() throws Exception {
    Path m = dir.resolve("metadata");
    Files.writeString(m, "# Started dump at: 2026-12-02 14:05:07\n[config]\nquote-character = BACKTICK\n\n[source]\n"
        + "# Channel_Name = '' # It can be use to setup replication FOR CHANNEL\n"
        + "# SOURCE_LOG_FILE = \"mysql-bin.000001\"\n# SOURCE_LOG_POS = 158\n\n[`sbtest`.`t`]\nreal_table_name=t\nrows = 2\n");
    assertArrayEquals(new String[] {"mysql-bin.000001", "158"}, BenchCopyCommand.dumpPosition(m));
  }

  @Test
  void noPositionOnMySql84Plus() throws Exception {
    Path m = dir.resolve("metadata");
    Files.writeString(m, "Started dump at: 2026-12-02 13:59:37\nFinished dump at: 2026-12-02 13:59:37\n");
    assertNull(BenchCopyCommand.dumpPosition(m));
  }

  @Test
  void medianOfSkippedTrialsStaysSkipped() {
    BenchCopyCommand.Result s = BenchCopyCommand.Result.skipped("t", "--skip floor", "copy");
    BenchCopyCommand.Result m = BenchCopyCommand.median(List.of(s, s));
    assertFalse(m.ran());
    assertEquals("skipped: --skip floor", m.detail());
  }
}
