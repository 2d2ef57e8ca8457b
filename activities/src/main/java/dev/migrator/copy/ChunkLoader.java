package dev.migrator.copy;

import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.StagedChunk;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * Loads one staged chunk into the target, idempotently and atomically like {@link ChunkWriter}: in
 * ONE target transaction it deletes the chunk's key range (every row for a whole-table chunk),
 * runs {@code LOAD DATA LOCAL INFILE} fed from the stage's stream with the columns of the chunk's
 * {@link ChunkManifest}, checks what was read against the manifest (SHA-256, bytes, rows in the
 * file and rows the server loaded), and commits only when everything matches. A mismatch rolls
 * back and throws a CORRUPT {@link StageException} naming the file; a missing data file or
 * manifest throws {@link NoSuchFileException} (before anything is committed).
 */
public final class ChunkLoader {
  private ChunkLoader() {}

  /**
   * Loads {@code staged} into {@code meta}'s table (metadata read from the target) and commits.
   * {@code progress} sees the rows and bytes read from the file so far (uncommitted).
   */
  public static ChunkResult load(Connection target, TableMeta meta, StagedChunk staged, Stage stage,
      ChunkWriter.Progress progress) throws SQLException, IOException {
    Chunk chunk = staged.chunk;
    String manifestName = Stage.manifestFile(staged.file);
    ChunkManifest m = ChunkManifest.read(stage, manifestName);
    if (!m.describes(chunk) || !staged.file.equals(m.data)) {
      // the chunk's files were replaced by a dump of another plan: this chunk's files are gone
      throw new NoSuchFileException(stage.describe(manifestName), null, "it describes " + m.table + "#" + m.ordinal
          + " with other bounds or another data file than " + chunk + " in " + staged.file);
    }
    String sql = LoadDataWriter.statement(meta.qualified(), m.fields());
    return ChunkWriter.inChunkTransaction(target, meta, chunk, () -> {
      try (Verifying in = new Verifying(stage.open(staged.file), progress)) {
        long loaded = LoadDataWriter.load(target, sql, in);
        String sha = HexFormat.of().formatHex(in.sha.digest());
        String problem = !sha.equals(m.sha256) ? "its SHA-256 is " + sha + ", the manifest says " + m.sha256
            : in.bytes != m.bytes ? "it has " + in.bytes + " bytes, the manifest says " + m.bytes
            : in.rows != m.rows ? "it has " + in.rows + " rows, the manifest says " + m.rows
            : loaded != m.rows ? "the server loaded " + loaded + " rows, the manifest says " + m.rows
            : null;
        if (problem != null) {
          throw new StageException(StageException.Kind.CORRUPT, "staged chunk " + chunk.id() + ": the data file "
              + stage.describe(staged.file) + " does not match its manifest " + stage.describe(manifestName) + ": "
              + problem + "; nothing of it was committed. The file was changed or damaged after the dump: dump the"
              + " chunk again");
        }
        return new ChunkResult(meta.ref(), chunk.ordinal, loaded, in.bytes, null);
      }
    });
  }

  /**
   * The data as the driver reads it: hashed and counted (bytes, and rows as newline bytes: every
   * row ends with one, and newlines inside values are escaped), reporting progress.
   */
  private static final class Verifying extends FilterInputStream {
    final MessageDigest sha = ChunkDumper.sha256();
    final ChunkWriter.Progress progress;
    long bytes;
    long rows;
    long lastReport;

    Verifying(InputStream in, ChunkWriter.Progress progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        sha.update(b, off, n);
        bytes += n;
        for (int i = off; i < off + n; i++) if (b[i] == '\n') rows++;
        if (bytes - lastReport >= LoadDataWriter.BUFFER_BYTES) {
          lastReport = bytes;
          progress.written(rows, bytes);
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return Math.max(0, read(new byte[(int) Math.max(0, Math.min(n, 1 << 16))])); // through the hash
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
