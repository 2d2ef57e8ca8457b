package dev.migrator.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.CompensationState;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Phase;
import org.junit.jupiter.api.Test;

/** The status as printed: freeze coordinates in full, the rollback's reason, retired shadow rows. */
class StatusPrinterTruthTest {
  static final String GTID = "0-1-4711," + "1-2-".repeat(40) + "99";

  @Test
  void freezeCoordinatesArePrintedInFull() {
    MigrationStatus s = new MigrationStatus();
    s.migrationId = "m";
    s.frozen = new FrozenCopy();
    s.frozen.method = "live-consistent";
    s.frozen.coordinates = new BinlogCoordinates("mysql-bin.000003", 4711, GTID);
    String out = StatusPrinter.render(s);
    assertTrue(out.contains("freeze coordinates: file mysql-bin.000003, position 4711, GTID set " + GTID), out);
  }

  @Test
  void theRollbackReasonIsShownWhileAndAfterRollingBack() {
    MigrationStatus s = new MigrationStatus();
    s.migrationId = "m";
    s.phase = Phase.ROLLED_BACK;
    s.rollbackReason = "drill: the way back";
    assertTrue(StatusPrinter.render(s).contains("  rollback: drill: the way back"));
    s.phase = Phase.RUNNING;
    assertFalse(StatusPrinter.render(s).contains("rollback: drill"), "not while it runs on");
  }

  @Test
  void retiredShadowRowsSayWhy() {
    MigrationStatus s = new MigrationStatus();
    s.migrationId = "m";
    s.phase = Phase.COMPLETED;
    CompensationState c = new CompensationState("copy", "empty the tables loaded by the copy");
    c.state = CompensationState.RETIRED;
    c.detail = "the migration completed at 2026-12-02T05:00:00Z: nothing to roll back any more";
    s.shadow.add(c);
    String out = StatusPrinter.render(s);
    assertTrue(out.contains("shadow checklist (retired: the migration completed)"), out);
    assertTrue(out.contains("copy       retired  empty the tables loaded by the copy -- the migration completed at"), out);
    assertFalse(out.contains("pending"), out);
  }

  @Test
  void aSourceOutageAndWhereTheEventsRunArePrinted() {
    MigrationStatus s = new MigrationStatus();
    s.migrationId = "m";
    s.replicationNote = "source unreachable for 40 s; replication retries every 5 s";
    s.cutover = new dev.migrator.model.CutoverResult();
    s.cutover.events = "enabled on the target, disabled on the source: [shop.nightly]";
    String out = StatusPrinter.render(s);
    assertTrue(out.contains("  replication note: source unreachable for 40 s; replication retries every 5 s"), out);
    assertTrue(out.contains("  events: enabled on the target, disabled on the source: [shop.nightly]"), out);
  }
}
