package dev.migrator.freeze;

import static org.junit.jupiter.api.Assertions.*;

import dev.migrator.model.BinlogCoordinates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreezeNamesTest {
  @Test
  void namesAreDerivedFromTheIdAloneAndSafe() {
    assertEquals("freeze-shop-to-aurora", FreezeNames.dirName("shop-to-aurora"));
    assertEquals(FreezeNames.dirName("Shop/To Aurora"), FreezeNames.dirName("Shop/To Aurora"), "stable");
    assertNotEquals(FreezeNames.dirName("a/b"), FreezeNames.dirName("a b"), "a hash keeps changed ids apart");
    assertFalse(FreezeNames.dirName("../../etc").contains(".."));
    String id = AuroraSnapshotFreezer.snapshotId("9 very long migration id ".repeat(8));
    assertTrue(id.length() <= 63, id);
    assertTrue(id.matches("[a-z][a-z0-9-]*[a-z0-9]") && !id.contains("--"), id);
    assertEquals("migrator-shop-frz-w", AuroraSnapshotFreezer.instanceId("shop"));
  }

  @Test
  void binlogInfoFilesAreRead() throws Exception {
    Path d = Files.createTempDirectory("binlog-info");
    try {
      assertNull(PhysicalBackupFreezer.readBinlogInfo(d, List.of("xtrabackup_binlog_info")));
      Files.writeString(d.resolve("xtrabackup_binlog_info"), "mysql-bin.000003\t81234\t0-1-55\n");
      BinlogCoordinates c = PhysicalBackupFreezer.readBinlogInfo(d,
          List.of("mariadb_backup_binlog_info", "xtrabackup_binlog_info"));
      assertEquals("mysql-bin.000003:81234 gtid=0-1-55", c.toString());
      // MySQL with GTIDs: the set may span lines.
      Files.writeString(d.resolve("xtrabackup_binlog_info"), "binlog.000012\t157\tuuid-a:1-5,\nuuid-b:1-9\n");
      c = PhysicalBackupFreezer.readBinlogInfo(d, List.of("xtrabackup_binlog_info"));
      assertEquals("binlog.000012", c.file);
      assertEquals("uuid-a:1-5,uuid-b:1-9", c.gtidSet);
    } finally {
      TempServer.deleteTree(d);
    }
  }
}
