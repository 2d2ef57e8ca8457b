package dev.migrator.copy;

import dev.migrator.model.Chunk;
import dev.migrator.model.StagedChunk;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;

/**
 * Dumps one chunk from the frozen copy into the stage: the chunk's key range (the same SELECT as
 * the direct copy, streamed), encoded like {@link LoadDataWriter} into the data file while its
 * SHA-256, rows and bytes are counted, then the {@link ChunkManifest}. The old manifest is deleted
 * before the data is written and the new one written after it, so a crash in between leaves a
 * data file without manifest (the chunk counts as missing), never a manifest that does not match.
 */
public final class ChunkDumper {
  private ChunkDumper() {}

  /** Dumps {@code chunk} of {@code meta} (read from {@code source}) and returns what was written. */
  public static StagedChunk dump(Connection source, TableMeta meta, Chunk chunk, Stage stage, String migrationId,
      ChunkWriter.Progress progress) throws SQLException, IOException {
    String file = Stage.dataFile(migrationId, chunk.table, chunk.ordinal);
    String manifest = Stage.manifestFile(file);
    List<Column> cols = meta.writable();
    MessageDigest sha = sha256();
    long[] counts = new long[2];
    stage.delete(manifest);
    LoadDataFormat.prepareReadSession(source);
    stage.write(file, out -> {
      sha.reset();
      DigestOutputStream digesting = new DigestOutputStream(out, sha);
      long[] written = ChunkWriter.readChunk(source, meta, chunk, rs -> LoadDataWriter.writeRows(rs, cols, digesting, progress));
      counts[0] = written[0];
      counts[1] = written[1];
      digesting.flush();
    });
    progress.written(counts[0], counts[1]);
    ChunkManifest m = ChunkManifest.of(chunk, file, cols, counts[0], counts[1], HexFormat.of().formatHex(sha.digest()));
    byte[] json = m.toJson();
    stage.write(manifest, out -> out.write(json));
    return new StagedChunk(chunk, file, counts[0], counts[1]);
  }

  /**
   * The chunk as an earlier dump left it, from its manifest: null unless its manifest describes
   * exactly this chunk and its data file is there.
   */
  public static StagedChunk dumped(Stage stage, String migrationId, Chunk chunk) throws IOException {
    String file = Stage.dataFile(migrationId, chunk.table, chunk.ordinal);
    ChunkManifest m;
    try {
      m = ChunkManifest.read(stage, Stage.manifestFile(file));
    } catch (NoSuchFileException e) {
      return null;
    } catch (StageException e) {
      if (e.kind() == StageException.Kind.CORRUPT) return null; // dumped again
      throw e;
    }
    if (!m.describes(chunk) || !stage.exists(file)) return null;
    return new StagedChunk(chunk, file, m.rows, m.bytes);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
