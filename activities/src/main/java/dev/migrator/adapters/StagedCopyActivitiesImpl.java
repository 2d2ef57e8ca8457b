package dev.migrator.adapters;

import dev.migrator.activities.StagedCopyActivities;
import dev.migrator.copy.ChunkDumper;
import dev.migrator.copy.ChunkLoader;
import dev.migrator.copy.CommittedChunks;
import dev.migrator.copy.S3Stage;
import dev.migrator.copy.Stage;
import dev.migrator.copy.StageException;
import dev.migrator.copy.TableMeta;
import dev.migrator.copy.TableChecksummer;
import dev.migrator.copy.TableMetas;
import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.Endpoint;
import dev.migrator.activities.CopyInput;
import dev.migrator.model.StageOptions;
import dev.migrator.model.StagedChunk;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.MySqlErrors;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Step 6 through the stage: {@link #dumpChunks} on workers near the source, {@link #loadChunks} on
 * workers near the target (see {@link StagedCopyActivities}). Failure types besides the SQL ones
 * of {@link MySqlErrors}: {@link StagedCopyActivities#STAGED_CHUNK_MISSING},
 * {@link StagedCopyActivities#STAGED_CHUNK_CORRUPT} (both make the workflow dump the batch again)
 * and {@link #STAGE_UNUSABLE} (non-retryable), {@link #STAGE_ERROR} (retryable).
 */
public class StagedCopyActivitiesImpl implements StagedCopyActivities {
  /** The stage location cannot be used as configured; the message says how to fix it. Non-retryable. */
  public static final String STAGE_UNUSABLE = "StageUnusable";
  /** A stage error a retry may cure (network, a full disk). Retryable. */
  public static final String STAGE_ERROR = "Stage";

  private static final Logger log = LoggerFactory.getLogger(StagedCopyActivitiesImpl.class);
  private final Connector connector;
  private final Function<String, S3Client> s3;

  /** With the worker's S3 clients ({@code S3Client.builder()}, one per region; see {@link S3Stage#defaultClients()}). */
  public StagedCopyActivitiesImpl(Connector connector) {
    this(connector, S3Stage.defaultClients());
  }

  /** {@code s3} gives the S3 client for a region (null: the SDK's default region chain); the stage does not close it. */
  public StagedCopyActivitiesImpl(Connector connector, Function<String, S3Client> s3) {
    this.connector = connector;
    this.s3 = s3;
  }

  @Override
  public List<StagedChunk> dumpChunks(CopyInput r, List<Chunk> chunks) {
    Endpoint frozen = r.from;
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    // Chunks dumped by an earlier attempt of this activity (its last heartbeat) are not dumped
    // again, but listed from their manifests.
    int dumped = ctx.getHeartbeatDetails(Integer.class).orElse(0);
    String id = migrationId(r);
    Stage stage = stage(r);
    List<StagedChunk> out = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    try (Connection src = connector.open("frozen copy", frozen)) {
      TableMetas metas = new TableMetas(src);
      for (int i = 0; i < chunks.size(); i++) {
        Chunk c = chunks.get(i);
        if (i < dumped) {
          StagedChunk before = ChunkDumper.dumped(stage, id, c);
          if (before != null) {
            out.add(before);
            continue;
          }
        }
        TableMeta meta = metas.of(c.table);
        int done = i;
        long started = System.nanoTime();
        StagedChunk staged = ChunkDumper.dump(src, meta, c, stage, id, (rows, bytes) -> ctx.heartbeat(done));
        // The frozen copy is quiescent: its range now holds the rows just dumped.
        if (r.inlineChecksums >= 1) staged.source = TableChecksummer.crcChunk(src, meta, c);
        staged.millis = (System.nanoTime() - started) / 1_000_000;
        out.add(staged);
        ctx.heartbeat(i + 1);
      }
      log.info("dumped {} chunk(s) to {} in {} ms", chunks.size(), stage, System.currentTimeMillis() - t0);
      return out;
    } catch (SQLException e) {
      throw MySqlErrors.failure("frozen copy", frozen, e);
    } catch (IOException e) {
      throw stageFailure(e);
    }
  }

  @Override
  public List<ChunkResult> loadChunks(CopyInput r, List<StagedChunk> chunks) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    // Chunks committed by an earlier attempt of this activity (its last heartbeat) are skipped.
    int committed = ctx.getHeartbeatDetails(Integer.class).orElse(0);
    Stage stage = stage(r);
    List<ChunkResult> results = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    try (Connection dst = connector.open("target", r.target)) {
      TableMetas metas = new TableMetas(dst);
      for (int i = 0; i < Math.min(committed, chunks.size()); i++) {
        StagedChunk s = chunks.get(i);
        results.add(new ChunkResult(s.chunk.table, s.chunk.ordinal, s.rows, s.bytes, null)); // what the dump wrote
      }
      if (ctx.getInfo().getAttempt() > 1 && committed < chunks.size()) {
        // Loads committed after the last heartbeat that reached the service: found, not redone.
        int more = CommittedChunks.alreadyLoaded(dst, chunks, committed, metas, results);
        if (more > 0) log.info("{} chunk(s) loaded by the lost attempt after its last heartbeat: not loaded again", more);
        if (more > 0) ctx.heartbeat(results.size());
      }
      for (int i = results.size(); i < chunks.size(); i++) {
        StagedChunk s = chunks.get(i);
        TableMeta meta = metas.of(s.chunk.table);
        int done = i;
        ChunkResult res;
        try {
          long started = System.nanoTime();
          res = ChunkLoader.load(dst, meta, s, stage, (rows, bytes) -> ctx.heartbeat(done));
          if (r.inlineChecksums >= 1 && s.source != null) {
            res.source = s.source;
            res.target = TableChecksummer.crcChunk(dst, meta, s.chunk);
          }
          res.millis = (System.nanoTime() - started) / 1_000_000;
        } catch (NoSuchFileException e) {
          throw ApplicationFailure.newNonRetryableFailure("staged chunk " + s.chunk.id() + ": " + e.getFile()
              + " is missing" + (e.getReason() == null ? "" : " (" + e.getReason() + ")") + "; its batch must be dumped"
              + " again", STAGED_CHUNK_MISSING);
        }
        results.add(res);
        ctx.heartbeat(i + 1);
      }
      log.info("loaded {} chunk(s) from {} in {} ms", chunks.size(), stage, System.currentTimeMillis() - t0);
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    } catch (IOException e) {
      throw stageFailure(e);
    }
    if (!r.copy.stage.keepFiles) deleteFiles(stage, chunks);
    return results;
  }

  /**
   * The batch is committed: its files go. A failure here only leaves files behind (logged), which
   * {@link #deleteStage} removes at the end of the copy, so it does not fail the batch.
   */
  private static void deleteFiles(Stage stage, List<StagedChunk> chunks) {
    for (StagedChunk s : chunks) {
      try {
        stage.delete(s.file);
        stage.delete(Stage.manifestFile(s.file));
      } catch (IOException | RuntimeException e) {
        log.warn("could not delete the loaded chunk's files {}: {}", stage.describe(s.file), e.toString());
      }
    }
  }

  @Override
  public void deleteStage(CopyInput r) {
    StageOptions o = r.copy == null ? null : r.copy.stage;
    if (o == null || o.location == null || o.location.isBlank()) return; // nothing was staged
    Stage stage = stage(r);
    try {
      long n = stage.deleteAll(Stage.migrationDir(migrationId(r)));
      log.info("deleted {} staged file(s) of migration {} from {}", n, r.migrationId, stage);
    } catch (IOException e) {
      throw stageFailure(e);
    }
  }

  private Stage stage(CopyInput r) {
    try {
      return Stage.of(r.copy == null ? null : r.copy.stage, s3);
    } catch (StageException e) {
      throw stageFailure(e);
    }
  }

  private static String migrationId(CopyInput r) {
    if (r.migrationId == null || r.migrationId.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("the request has no migrationId: the staged copy keeps each"
          + " migration's files under its id", "InvalidRequest");
    }
    return r.migrationId;
  }


  /** A stage problem as the activity's failure: advice for an unusable location, retryable otherwise. */
  static ApplicationFailure stageFailure(IOException e) {
    if (e instanceof StageException s) {
      return ApplicationFailure.newNonRetryableFailure(s.getMessage(),
          s.kind() == StageException.Kind.CORRUPT ? STAGED_CHUNK_CORRUPT : STAGE_UNUSABLE);
    }
    return ApplicationFailure.newFailureWithCause("stage: " + e, STAGE_ERROR, e);
  }
}
