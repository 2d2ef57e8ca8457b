package dev.migrator.copy;

import dev.migrator.model.StageOptions;
import dev.migrator.model.TableRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where staged chunks live (copy.transport = "staged"): a directory ({@link DirectoryStage}, local
 * or shared between hosts) or an S3 prefix ({@link S3Stage}). Names are relative to the location
 * and use '/' as separator. Layout: {@code <migrationId>/<schema>.<table>/<ordinal>.tsv} (the data,
 * in {@link LoadDataWriter}'s encoding) next to {@code <ordinal>.json} (its {@link ChunkManifest}).
 *
 * <p>Every write is complete or absent: a reader never sees half a file under its final name. A
 * missing file is reported as {@link java.nio.file.NoSuchFileException}; a location that cannot be
 * used as configured as a {@link StageException} of kind UNUSABLE whose message says how to fix it;
 * anything else (network, a full disk) as a plain IOException, which a retry may cure.
 */
public interface Stage {
  /** Writes a file's content. */
  @FunctionalInterface
  interface Content<E extends Exception> {
    void writeTo(OutputStream out) throws IOException, E;
  }

  /**
   * Writes {@code name} with what {@code content} writes, completely or not at all (replacing an
   * existing file). If {@code content} throws, nothing is left under {@code name}'s final name.
   */
  <E extends Exception> void write(String name, Content<E> content) throws IOException, E;

  /** Opens {@code name} for reading, streaming; NoSuchFileException when it does not exist. */
  InputStream open(String name) throws IOException;

  boolean exists(String name) throws IOException;

  /** Deletes {@code name}; nothing happens when it does not exist. */
  void delete(String name) throws IOException;

  /** Deletes every file under the directory {@code dir} (the directory too); returns how many. */
  long deleteAll(String dir) throws IOException;

  /** Where {@code name} is, for messages ("/data/stage/m1/s.t/0.tsv", "s3://bucket/prefix/m1/s.t/0.tsv"). */
  String describe(String name);

  /**
   * The stage of {@code o.location}: "s3://bucket/prefix" is an {@link S3Stage} whose client comes
   * from {@code s3} (given the region, or null for the SDK's default chain); anything else is a
   * directory (an absolute path, or a file:/// URI).
   */
  static Stage of(StageOptions o, Function<String, S3Client> s3) throws StageException {
    String loc = o == null || o.location == null ? "" : o.location.trim();
    if (loc.isEmpty()) {
      throw new StageException(StageException.Kind.UNUSABLE, "copy.stage.location is empty: set it to a directory"
          + " (/data/stage or file:///data/stage, shared by the dump and load workers) or an S3 prefix (s3://bucket/prefix)");
    }
    if (loc.regionMatches(true, 0, "s3://", 0, 5)) {
      return S3Stage.of(loc, o.region == null || o.region.isBlank() ? null : o.region.trim(), s3);
    }
    if (loc.matches("(?i)[a-z][a-z0-9+.-]*://.*") && !loc.regionMatches(true, 0, "file://", 0, 7)) {
      throw new StageException(StageException.Kind.UNUSABLE, "copy.stage.location '" + loc + "': unknown scheme; use a"
          + " directory (/data/stage or file:///data/stage) or an S3 prefix (s3://bucket/prefix)");
    }
    return DirectoryStage.of(loc);
  }

  /**
   * Checks that the stage of {@code o} can be used: writes a small probe file, reads it back, lists
   * and deletes it. Returns null when all of that works, else what is wrong and how to fix it (for
   * preflight and request validation). Leaves nothing behind when it succeeds.
   */
  static String probe(StageOptions o, Function<String, S3Client> s3) {
    Stage stage;
    try {
      stage = of(o, s3);
    } catch (StageException e) {
      return e.getMessage();
    }
    String dir = ".migrator-probe-" + UUID.randomUUID();
    String name = dir + "/probe.txt";
    byte[] content = ("migrator stage probe " + dir + "\n").getBytes(StandardCharsets.UTF_8);
    String step = "write";
    try {
      stage.write(name, out -> out.write(content));
      step = "read back";
      byte[] back;
      try (InputStream in = stage.open(name)) {
        back = in.readAllBytes();
      }
      if (!Arrays.equals(content, back)) {
        return "copy.stage.location: the probe file " + stage.describe(name) + " read back differently than written;"
            + " the stage does not keep files intact";
      }
      step = "list and delete";
      stage.deleteAll(dir);
      if (stage.exists(name)) {
        return "copy.stage.location: the probe file " + stage.describe(name) + " is still there after it was deleted";
      }
      return null;
    } catch (StageException e) {
      return e.getMessage();
    } catch (IOException | RuntimeException e) {
      return "copy.stage.location: the probe could not " + step + " " + stage.describe(name) + ": " + e;
    }
  }

  /** The directory of one migration's files. */
  static String migrationDir(String migrationId) {
    if (migrationId == null || migrationId.isBlank()) throw new IllegalArgumentException("the migration has no id");
    return safeName(migrationId);
  }

  /** The data file of one chunk: {@code <migrationId>/<schema>.<table>/<ordinal>.tsv}. */
  static String dataFile(String migrationId, TableRef table, int ordinal) {
    return migrationDir(migrationId) + "/" + safeName(table.schema) + "." + safeName(table.table) + "/" + ordinal + ".tsv";
  }

  /** The manifest next to a data file: {@code <ordinal>.json}. */
  static String manifestFile(String dataFile) {
    return (dataFile.endsWith(".tsv") ? dataFile.substring(0, dataFile.length() - 4) : dataFile) + ".json";
  }

  /**
   * {@code s} as one safe path segment: ASCII letters, digits, '_' and '-' stay, every other
   * character becomes '%' and the hex of its UTF-8 bytes ('.' too, so "a.b"."c" and "a"."b.c" do
   * not meet, and no name is "." or "..").
   */
  static String safeName(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xFF;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return b.toString();
  }
}
