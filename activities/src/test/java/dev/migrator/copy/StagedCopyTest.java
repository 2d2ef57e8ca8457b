package dev.migrator.copy;

import dev.migrator.activities.StepInputs;
import static dev.migrator.copy.CopyTestSupport.assertSame;
import static dev.migrator.copy.CopyTestSupport.both;
import static dev.migrator.copy.CopyTestSupport.checksum;
import static dev.migrator.copy.CopyTestSupport.open;
import static dev.migrator.copy.CopyTestSupport.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrator.activities.StagedCopyActivities;
import dev.migrator.adapters.StagedCopyActivitiesImpl;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.StageOptions;
import dev.migrator.model.StagedChunk;
import dev.migrator.model.TableRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The staged transport on two real MariaDB servers, through the activities as the worker runs
 * them: dump to a directory or to S3 (a fake S3 client over a local directory), load, integrity
 * checks, resume after a retry, deletion, and what an unusable location says.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StagedCopyTest {
  static final String BUCKET = "stage-bucket";
  static final String KEYLESS = "no key.é";

  @TempDir
  static Path work;
  static LocalMariaDb src;
  static LocalMariaDb dst;
  static FakeS3 s3;
  static Function<String, S3Client> clients;
  static TestActivityEnvironment env;
  static StagedCopyActivities staged;

  @BeforeAll
  static void start() throws Exception {
    src = LocalMariaDb.start("staged-src");
    dst = LocalMariaDb.start("staged-dst");
    TypeRoundTripTest.createTypes(src, dst);
    both(src, dst, "CREATE DATABASE kl", "CREATE TABLE kl.`" + KEYLESS + "` (a INT, b VARCHAR(30) CHARACTER SET utf8mb4, c BLOB)",
        "CREATE DATABASE ints", "CREATE TABLE ints.t (id INT PRIMARY KEY, v VARCHAR(40))",
        "CREATE DATABASE res", "CREATE TABLE res.t (id INT PRIMARY KEY, v INT)");
    List<String> keyless = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      // duplicates (a keyless table may hold identical rows), NULLs, tabs, 0x00
      keyless.add(i % 10 == 0 ? "(NULL, NULL, NULL)"
          : "(" + (i % 700) + ", 'b😀\\t" + (i % 700) + "', x'00" + String.format("%02x", i % 256) + "')");
    }
    ChunkEngineTest.insert(src, "kl.`" + KEYLESS + "`", keyless);
    List<String> ints = new ArrayList<>();
    for (int id = 2; id <= 6000; id += 2) ints.add("(" + id + ", 'value-" + id + "')");
    ChunkEngineTest.insert(src, "ints.t", ints);
    List<String> res = new ArrayList<>();
    for (int id = 1; id <= 300; id++) res.add("(" + id + ", " + id * 3 + ")");
    ChunkEngineTest.insert(src, "res.t", res);
    src.sql("ANALYZE TABLE ints.t, res.t");
    s3 = new FakeS3(work.resolve("s3"), BUCKET);
    clients = region -> s3;
    env = TestActivityEnvironment.newInstance();
    staged = activities(env);
  }

  @AfterAll
  static void stop() {
    if (env != null) env.close();
    if (src != null) src.close();
    if (dst != null) dst.close();
  }

  static StagedCopyActivities activities(TestActivityEnvironment e) {
    e.registerActivitiesImplementations(new StagedCopyActivitiesImpl(CopyTestSupport.CONNECTOR, clients));
    return e.newActivityStub(StagedCopyActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(3))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  static Endpoint endpoint(LocalMariaDb db) {
    return new Endpoint(db.host(), db.port(), "root", db.rootPasswordRef());
  }

  static StageOptions stageAt(String location) {
    StageOptions o = new StageOptions();
    o.location = location;
    return o;
  }

  static MigrationRequest request(String id, String location) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = id;
    r.source = endpoint(src);
    r.target = endpoint(dst);
    r.copy.transport = "staged";
    r.copy.stage = stageAt(location);
    return r;
  }

  static String dir(String name) {
    return work.resolve(name).toString();
  }

  /** Regular files under a directory, relative to it. */
  static List<String> files(Path dir) throws Exception {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  static List<String> keys(String prefix) {
    return s3.keys(BUCKET).stream().filter(k -> k.startsWith(prefix)).toList();
  }

  /** The failure an activity call ends with. */
  static ApplicationFailure failure(Executable call) {
    ActivityFailure f = assertThrows(ActivityFailure.class, call);
    return (ApplicationFailure) f.getCause();
  }

  static void assertContains(String text, String part) {
    assertTrue(text != null && text.contains(part), "expected '" + part + "' in: " + text);
  }

  static String tableChecksum(LocalMariaDb db, String schema, String table) throws Exception {
    try (Connection c = open(db)) {
      return TableChecksummer.checksum(c, TableMeta.read(c, new TableRef(schema, table)), null).toString();
    }
  }

  /**
   * Dumps every chunk of rt.types (4-row chunks, so the multi-MB row and the odd ones land in
   * different chunks) and the keyless table, loads them in two batches, and checks the target.
   */
  static List<StagedChunk> roundTrip(MigrationRequest r, Supplier<List<String>> stagedFiles) throws Exception {
    dst.sql("DELETE FROM rt.types", "DELETE FROM kl.`" + KEYLESS + "`");
    ChunkPlan types = plan(src, "rt", "types", 4, 0);
    ChunkPlan keyless = plan(src, "kl", KEYLESS, 1000, 0);
    assertTrue(keyless.chunks.size() == 1 && keyless.chunks.get(0).wholeTable, keyless.toString());

    List<StagedChunk> dumpedTypes = staged.dumpChunks(StepInputs.copy(r, endpoint(src)), types.chunks);
    List<StagedChunk> dumpedKeyless = staged.dumpChunks(StepInputs.copy(r, endpoint(src)), keyless.chunks);

    assertEquals(types.chunks.size(), dumpedTypes.size());
    assertEquals(60, dumpedTypes.stream().mapToLong(s -> s.rows).sum());
    assertEquals(1500, dumpedKeyless.get(0).rows);
    List<String> files = stagedFiles.get();
    assertEquals(2 * (types.chunks.size() + 1), files.size(), "a data file and a manifest per chunk: " + files);
    for (String f : files) assertTrue(f.matches("[A-Za-z0-9_%/.-]+"), "a safe name: " + f);
    assertEquals(Stage.migrationDir(r.migrationId) + "/kl.no%20key%2E%C3%A9/0.tsv", dumpedKeyless.get(0).file);

    List<ChunkResult> loaded = new ArrayList<>(staged.loadChunks(StepInputs.copy(r, null), dumpedTypes));
    loaded.addAll(staged.loadChunks(StepInputs.copy(r, null), dumpedKeyless));

    List<StagedChunk> dumped = new ArrayList<>(dumpedTypes);
    dumped.addAll(dumpedKeyless);
    for (int i = 0; i < dumped.size(); i++) {
      assertEquals(dumped.get(i).rows, loaded.get(i).rows, dumped.get(i).toString());
      assertEquals(dumped.get(i).bytes, loaded.get(i).bytes, dumped.get(i).toString());
    }
    assertSame(src, dst, "rt", "types");
    assertSame(src, dst, "kl", KEYLESS);
    assertEquals(tableChecksum(src, "rt", "types"), tableChecksum(dst, "rt", "types"));
    assertEquals(tableChecksum(src, "kl", KEYLESS), tableChecksum(dst, "kl", KEYLESS));
    for (Chunk c : types.chunks) assertEquals(checksum(src, c).toString(), checksum(dst, c).toString());
    assertEquals("8", dst.query("SELECT gv FROM rt.types WHERE id = 6"), "generated columns recomputed");
    return dumped;
  }

  @Test
  void everyTypeRoundTripsThroughADirectory() throws Exception {
    Path stage = work.resolve("dir-stage");
    MigrationRequest r = request("dir run", "file://" + stage);
    ChunkPlan types = plan(src, "rt", "types", 4, 0);
    // the manifest of a chunk, before anything is loaded
    StagedChunk first = staged.dumpChunks(StepInputs.copy(r, endpoint(src)), types.chunks.subList(0, 1)).get(0);
    JsonNode m = ChunkManifest.JSON.readTree(stage.resolve(Stage.manifestFile(first.file)).toFile());
    byte[] data = Files.readAllBytes(stage.resolve(first.file));
    assertEquals(ChunkManifest.FORMAT, m.get("format").asInt());
    assertEquals("rt", m.get("table").get("schema").asText());
    assertEquals(0, m.get("ordinal").asInt());
    assertEquals(first.file, m.get("data").asText());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), m.get("sha256").asText());
    assertEquals(data.length, m.get("bytes").asLong());
    assertEquals(first.rows, m.get("rows").asLong());
    List<String> columns = new ArrayList<>();
    m.get("columns").forEach(c -> columns.add(c.get("name").asText() + (c.get("hex").asBoolean() ? ":hex" : "")));
    assertEquals("id", columns.get(0));
    assertTrue(columns.contains("bl:hex") && columns.contains("b64:hex") && columns.contains("u8")
        && columns.contains("we`ird") && !columns.contains("gv") && !columns.contains("gs"), columns.toString());
    staged.deleteStage(StepInputs.copy(r, null));
    assertEquals(List.of(), files(stage));

    roundTrip(r, () -> {
      try {
        return files(stage.resolve("dir%20run"));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    assertEquals(List.of(), files(stage), "each batch's files are deleted once it is loaded");
    staged.deleteStage(StepInputs.copy(r, null));
    staged.deleteStage(StepInputs.copy(r, null)); // idempotent
  }

  @Test
  void everyTypeRoundTripsThroughS3() throws Exception {
    MigrationRequest r = request("s3run", "s3://" + BUCKET + "/staging/");
    r.copy.stage.keepFiles = true;
    r.copy.stage.region = "eu-west-1";
    List<StagedChunk> dumped = roundTrip(r, () -> keys("staging/s3run/"));
    assertEquals(2 * dumped.size(), keys("staging/s3run/").size(), "keepFiles keeps them");
    staged.deleteStage(StepInputs.copy(r, null));
    assertEquals(List.of(), keys("staging/"));
    staged.deleteStage(StepInputs.copy(r, null)); // idempotent
  }

  @Test
  void deleteStageEmptiesTheMigrationsPrefixInPagesOf1000() {
    for (int i = 0; i < 2345; i++) {
      s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key("pages/many/x.t/" + i + ".tsv").build(),
          RequestBody.fromString("x"));
    }
    s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key("pages/many2/x.t/0.tsv").build(), RequestBody.fromString("x"));
    int calls = s3.deleteObjectsCalls.get();
    staged.deleteStage(StepInputs.copy(request("many", "s3://" + BUCKET + "/pages"), null));
    assertEquals(List.of("pages/many2/x.t/0.tsv"), keys("pages/"), "another migration's files stay");
    assertEquals(3, s3.deleteObjectsCalls.get() - calls);
    assertTrue(s3.largestDeleteBatch.get() <= 1000);
  }

  /** The chunk's range of ints.t as SQL on id, from its bounds. */
  static String range(Chunk c) {
    String lo = c.lower == null ? null : c.lower.get(0).value;
    String hi = c.upper == null ? null : c.upper.get(0).value;
    return (lo == null ? "TRUE" : "id " + (c.lowerInclusive ? ">= " : "> ") + lo) + (hi == null ? "" : " AND id <= " + hi);
  }

  @Test
  void loadingAgainGivesExactlyTheSourceRows() throws Exception {
    MigrationRequest r = request("reload", dir("reload"));
    r.copy.stage.keepFiles = true;
    dst.sql("DELETE FROM ints.t");
    ChunkPlan p = plan(src, "ints", "t", 1000, 0);
    assertTrue(p.chunks.size() >= 3, p.toString());
    List<StagedChunk> d = staged.dumpChunks(StepInputs.copy(r, endpoint(src)), p.chunks);
    staged.loadChunks(StepInputs.copy(r, null), d);
    staged.loadChunks(StepInputs.copy(r, null), d.subList(1, 2)); // the same chunk twice
    assertSame(src, dst, "ints", "t");

    // the target drifts inside chunk 1's range: changed, deleted and extra rows
    Chunk c = p.chunks.get(1);
    long lo = Long.parseLong(c.lower.get(0).value);
    dst.sql("UPDATE ints.t SET v = 'drift' WHERE " + range(c) + " AND id % 4 = 0",
        "DELETE FROM ints.t WHERE " + range(c) + " AND id % 6 = 0",
        "INSERT INTO ints.t VALUES (" + (lo % 2 == 0 ? lo + 1 : lo + 2) + ", 'extra')");
    assertNotEquals(checksum(src, c).toString(), checksum(dst, c).toString());
    staged.loadChunks(StepInputs.copy(r, null), d.subList(1, 2));
    assertEquals(checksum(src, c).toString(), checksum(dst, c).toString());
    assertSame(src, dst, "ints", "t");
    staged.deleteStage(StepInputs.copy(r, null));
  }

  @Test
  void aCorruptedFileFailsClearlyAndLeavesTheTargetAlone() throws Exception {
    Path stage = work.resolve("corrupt");
    MigrationRequest r = request("corrupt", stage.toString());
    r.copy.stage.keepFiles = true;
    dst.sql("DELETE FROM ints.t");
    ChunkPlan p = plan(src, "ints", "t", 1000, 0);
    List<StagedChunk> d = staged.dumpChunks(StepInputs.copy(r, endpoint(src)), p.chunks);
    staged.loadChunks(StepInputs.copy(r, null), d);
    Chunk c = p.chunks.get(1);
    dst.sql("UPDATE ints.t SET v = 'target' WHERE " + range(c));
    String before = checksum(dst, c).toString();

    Path data = stage.resolve(d.get(1).file);
    byte[] b = Files.readAllBytes(data);
    int i = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("value", b.length / 2) + 1;
    b[i] ^= 0x01; // "value" -> "v`lue": still a loadable row, so the check after the LOAD must catch it
    Files.write(data, b);

    ApplicationFailure f = failure(() -> staged.loadChunks(StepInputs.copy(r, null), d.subList(1, 2)));
    assertEquals(StagedCopyActivitiesImpl.STAGED_CHUNK_CORRUPT, f.getType());
    assertTrue(f.isNonRetryable());
    assertContains(f.getOriginalMessage(), data.toString());
    assertContains(f.getOriginalMessage(), "does not match its manifest");
    assertContains(f.getOriginalMessage(), "SHA-256");
    assertEquals(before, checksum(dst, c).toString(), "nothing of the corrupted file was committed");

    // dumped again, it loads
    staged.loadChunks(StepInputs.copy(r, null), staged.dumpChunks(StepInputs.copy(r, endpoint(src)), List.of(c)));
    assertSame(src, dst, "ints", "t");
    staged.deleteStage(StepInputs.copy(r, null));
  }

  @Test
  void aMissingFileFailsWithStagedChunkMissing() throws Exception {
    dst.sql("DELETE FROM ints.t");
    ChunkPlan p = plan(src, "ints", "t", 1000, 0);
    // the data file of one chunk, on S3
    MigrationRequest r = request("missing", "s3://" + BUCKET + "/staging");
    List<StagedChunk> d = staged.dumpChunks(StepInputs.copy(r, endpoint(src)), p.chunks);
    Files.delete(s3.file(BUCKET, "staging/" + d.get(1).file));
    ApplicationFailure f = failure(() -> staged.loadChunks(StepInputs.copy(r, null), d));
    assertEquals(StagedCopyActivities.STAGED_CHUNK_MISSING, f.getType());
    assertTrue(f.isNonRetryable());
    assertContains(f.getOriginalMessage(), "s3://" + BUCKET + "/staging/" + d.get(1).file);
    assertContains(f.getOriginalMessage(), p.chunks.get(1).id());
    staged.deleteStage(StepInputs.copy(r, null));

    // the manifest of one chunk, in a directory
    Path stage = work.resolve("missing");
    MigrationRequest r2 = request("missing", stage.toString());
    List<StagedChunk> d2 = staged.dumpChunks(StepInputs.copy(r2, endpoint(src)), p.chunks);
    Files.delete(stage.resolve(Stage.manifestFile(d2.get(0).file)));
    ApplicationFailure f2 = failure(() -> staged.loadChunks(StepInputs.copy(r2, null), d2));
    assertEquals(StagedCopyActivities.STAGED_CHUNK_MISSING, f2.getType());
    assertContains(f2.getOriginalMessage(), Stage.manifestFile(d2.get(0).file));
    staged.deleteStage(StepInputs.copy(r2, null));
  }

  @Test
  void aRetryResumesAfterTheHeartbeat() throws Exception {
    MigrationRequest r = request("resume", dir("resume"));
    ChunkPlan p = plan(src, "res", "t", 100, 0);
    assertTrue(p.chunks.size() >= 3, p.toString());
    List<StagedChunk> first = staged.dumpChunks(StepInputs.copy(r, endpoint(src)), p.chunks);
    // the source changes under chunk 0: a dump that skips it keeps the manifest's counts
    src.sql("DELETE FROM res.t WHERE " + range(p.chunks.get(0)));
    TestActivityEnvironment retry = TestActivityEnvironment.newInstance();
    try {
      retry.setHeartbeatDetails(2); // an earlier attempt dumped (then: committed) two chunks
      StagedCopyActivities again = activities(retry);
      List<StagedChunk> second = again.dumpChunks(StepInputs.copy(r, endpoint(src)), p.chunks);
      assertEquals(first.size(), second.size());
      for (int i = 0; i < first.size(); i++) assertEquals(first.get(i).toString(), second.get(i).toString());

      dst.sql("DELETE FROM res.t");
      retry.setHeartbeatDetails(2); // (details are handed to one activity call)
      List<ChunkResult> loaded = again.loadChunks(StepInputs.copy(r, null), second);
      assertEquals(second.get(0).rows, loaded.get(0).rows, "skipped chunks report what the dump wrote");
      String upper1 = p.chunks.get(1).upper.get(0).value;
      assertEquals("0", dst.query("SELECT COUNT(*) FROM res.t WHERE id <= " + upper1), "chunks 0 and 1 were skipped");
      assertEquals(src.query("SELECT COUNT(*) FROM res.t WHERE id > " + upper1), dst.query("SELECT COUNT(*) FROM res.t"));
    } finally {
      retry.close();
    }
    staged.deleteStage(StepInputs.copy(r, null));
  }

  @Test
  void stageNamesAreSafe() {
    TableRef t = new TableRef("we.ird", "no key/é");
    assertEquals("m%201/we%2Eird.no%20key%2F%C3%A9/3.tsv", Stage.dataFile("m 1", t, 3));
    assertEquals("m%201/we%2Eird.no%20key%2F%C3%A9/3.json", Stage.manifestFile(Stage.dataFile("m 1", t, 3)));
    assertEquals("%2E%2E", Stage.migrationDir(".."));
    assertNotEquals(Stage.dataFile("m", new TableRef("a.b", "c"), 0), Stage.dataFile("m", new TableRef("a", "b.c"), 0));
  }

  @Test
  void theProbeWritesReadsAndDeletes() throws Exception {
    Path fresh = work.resolve("probe/not/yet/there");
    assertNull(Stage.probe(stageAt(fresh.toString()), clients));
    assertEquals(List.of(), files(work.resolve("probe")), "the probe leaves nothing behind");
    assertNull(Stage.probe(stageAt("file://" + fresh), clients));
    assertNull(Stage.probe(stageAt("s3://" + BUCKET + "/probe"), clients));
    assertEquals(List.of(), keys("probe"));
  }

  @Test
  void anUnusableLocationSaysWhatIsWrong() throws Exception {
    Path file = work.resolve("a-file");
    Files.writeString(file, "not a directory");
    assertContains(Stage.probe(stageAt(file.toString()), clients), "is not a directory");
    assertContains(Stage.probe(stageAt(file.resolve("below").toString()), clients), "is not a directory");
    assertContains(Stage.probe(stageAt("relative/stage"), clients), "relative");
    assertContains(Stage.probe(stageAt(" "), clients), "copy.stage.location is empty");
    assertContains(Stage.probe(null, clients), "copy.stage.location is empty");
    assertContains(Stage.probe(stageAt("s3://"), clients), "not an S3 bucket name");
    assertContains(Stage.probe(stageAt("s3://Not_A_Bucket/x"), clients), "not an S3 bucket name");
    assertContains(Stage.probe(stageAt("gs://bucket/x"), clients), "unknown scheme");
    assertContains(Stage.probe(stageAt("file://host/x"), clients), "not a usable directory");
    assertContains(Stage.probe(stageAt("s3://no-such-bucket/x"), clients), "does not exist");
    s3.denied = true;
    try {
      String denied = Stage.probe(stageAt("s3://" + BUCKET + "/x"), clients);
      assertContains(denied, "access denied");
      assertContains(denied, "s3:ListBucket");
      assertContains(denied, "arn:aws:s3:::" + BUCKET + "/x/*");
    } finally {
      s3.denied = false;
    }

    // the activities fail for good, with the same advice
    ChunkPlan p = plan(src, "res", "t", 100, 0);
    ApplicationFailure f = failure(() -> staged.dumpChunks(StepInputs.copy(request("bad", file.toString()), endpoint(src)), p.chunks));
    assertEquals(StagedCopyActivitiesImpl.STAGE_UNUSABLE, f.getType());
    assertTrue(f.isNonRetryable());
    assertContains(f.getOriginalMessage(), "is not a directory");
    ApplicationFailure g = failure(() -> staged.loadChunks(StepInputs.copy(request("bad", "s3://"), null), List.of()));
    assertEquals(StagedCopyActivitiesImpl.STAGE_UNUSABLE, g.getType());
    assertContains(g.getOriginalMessage(), "s3://bucket/prefix");
  }
}
