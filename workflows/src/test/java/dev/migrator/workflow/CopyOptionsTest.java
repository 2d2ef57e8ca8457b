package dev.migrator.workflow;

import dev.migrator.workflow.checklist.ChunkedCopy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.migrator.model.CopyOptions;
import dev.migrator.model.MigrationRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Copy options: the adaptive chunk size, automatic chunks per activity, validation of the transport and CPUs. */
class CopyOptionsTest {
  private static CopyOptions copy(long rows, double seconds) {
    CopyOptions c = new CopyOptions();
    c.chunkRows = rows;
    c.targetChunkSeconds = seconds;
    return c;
  }

  @Test
  void offByDefault() {
    assertEquals(0, AdaptiveChunkSize.next(new CopyOptions(), 0, 50_000, 1_000));
  }

  @Test
  void aimsAtTheTargetTimeWithinLimits() {
    CopyOptions c = copy(50_000, 2);
    // 50,000 rows in 1 s -> 100,000 rows per 2 s
    assertEquals(100_000, AdaptiveChunkSize.next(c, 0, 50_000, 1_000));
    // at most 4x per page: 50,000 rows in 0.1 s would want 1,000,000
    assertEquals(200_000, AdaptiveChunkSize.next(c, 50_000, 50_000, 100));
    // never above 10x chunkRows
    assertEquals(500_000, AdaptiveChunkSize.next(c, 400_000, 400_000, 100));
    // slow chunks shrink it, not below chunkRows / 10
    assertEquals(12_000, AdaptiveChunkSize.next(c, 50_000, 50_000, 60_000));
    assertEquals(5_000, AdaptiveChunkSize.next(c, 12_000, 12_000, 600_000));
    // nothing measured (an empty page): unchanged
    assertEquals(12_000, AdaptiveChunkSize.next(c, 12_000, 0, 0));
  }

  @Test
  void theValidatorRefusesABadTransport() {
    MigrationRequest r = new MigrationRequest();
    r.copy.chunksPerActivity = -1;
    assertEquals(1, RequestValidator.problems(r).stream().filter(x -> x.contains("copy.chunksPerActivity")).count());
    r.copy.chunksPerActivity = 0;
    r.copy.transport = "carrier-pigeon";
    List<String> p = RequestValidator.problems(r);
    assertEquals(1, p.stream().filter(x -> x.contains("copy.transport")).count(), p.toString());
    r.copy.transport = "staged";
    p = RequestValidator.problems(r);
    assertEquals(1, p.stream().filter(x -> x.contains("copy.stage.location")).count(), p.toString());
    r.copy.stage = new dev.migrator.model.StageOptions();
    r.copy.stage.location = "relative/dir";
    p = RequestValidator.problems(r);
    assertEquals(1, p.stream().filter(x -> x.contains("neither an absolute directory")).count(), p.toString());
    r.copy.stage.location = "s3://my-bucket/migrations";
    r.method = "live-consistent";
    p = RequestValidator.problems(r);
    assertEquals(1, p.stream().filter(x -> x.contains("needs a frozen copy")).count(), p.toString());
    r.target = new dev.migrator.model.Endpoint("db", 3306, "admin", "env:X");
    r.target.cpus = 0;
    p = RequestValidator.problems(r);
    assertEquals(1, p.stream().filter(x -> x.contains("target.cpus")).count(), p.toString());
  }

  @Test
  void automaticChunksPerActivitySplitsAPageOverTheSlots() {
    CopyOptions c = new CopyOptions();
    assertEquals(5, ChunkedCopy.chunksPerActivity(c, 5, 1)); // one slot: one activity for the page
    assertEquals(5, ChunkedCopy.chunksPerActivity(c, 10, 2));
    assertEquals(CopyOptions.MAX_AUTO_CHUNKS_PER_ACTIVITY, ChunkedCopy.chunksPerActivity(c, 1000, 2));
    assertEquals(1, ChunkedCopy.chunksPerActivity(c, 1, 4));
    c.chunksPerActivity = 3;
    assertEquals(3, ChunkedCopy.chunksPerActivity(c, 1000, 2));
  }

  @Test
  void disableRedoLogIsRefusedForRdsAndAuroraTargetsOnly() {
    MigrationRequest r = WorkflowTestKit.request();
    assertEquals(List.of(), RequestValidator.problems(r));
    r.copy.disableRedoLog = true;
    assertEquals(List.of(), RequestValidator.problems(r), "a self-managed MySQL target may");
    for (String flavor : List.of("rds-mysql", "aurora-mysql")) {
      r.target.flavor = flavor;
      List<String> p = RequestValidator.problems(r);
      assertEquals(1, p.size(), p.toString());
      assertEquals("copy.disableRedoLog needs a self-managed MySQL 8.0.21+ target: an " + flavor + " target does not"
          + " allow ALTER INSTANCE DISABLE INNODB REDO_LOG; set copy.disableRedoLog to false", p.get(0));
    }
    r.copy.disableRedoLog = false;
    assertEquals(List.of(), RequestValidator.problems(r), "without the option an " + r.target.flavor + " target is fine");
  }
}
