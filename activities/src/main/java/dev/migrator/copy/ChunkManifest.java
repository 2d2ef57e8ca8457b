package dev.migrator.copy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.migrator.model.Chunk;
import dev.migrator.model.KeyValue;
import dev.migrator.model.TableRef;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one staged data file holds, written next to it as {@code <ordinal>.json}: the chunk (table,
 * ordinal, key range), the columns in file order with whether each travels as hex, and the file's
 * rows, bytes and SHA-256. The loader builds its LOAD DATA statement from these columns and checks
 * the file against these counters.
 */
public final class ChunkManifest {
  /** The data file's encoding: {@link LoadDataWriter}'s (tab-separated, backslash-escaped, UTF-8, \N, hex binaries). */
  public static final int FORMAT = 1;

  static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** One column of the data file. */
  public static final class Field {
    public String name;
    /** The source's column type (for people; the loader does not use it). */
    public String type;
    /** True when values are hex text, decoded with UNHEX() by the load (binary, BIT, spatial types). */
    public boolean hex;

    public Field() {}

    Field(String name, String type, boolean hex) {
      this.name = name;
      this.type = type;
      this.hex = hex;
    }
  }

  public int format = FORMAT;
  public TableRef table;
  public int ordinal;
  public boolean wholeTable;
  public List<String> keyColumns = new ArrayList<>();
  public List<KeyValue> lower;
  public boolean lowerInclusive;
  public List<KeyValue> upper;
  /** The data file's name in the stage. */
  public String data;
  public List<Field> columns = new ArrayList<>();
  public long rows;
  public long bytes;
  /** SHA-256 of the data file, lowercase hex. */
  public String sha256;

  public ChunkManifest() {}

  static ChunkManifest of(Chunk c, String data, List<Column> cols, long rows, long bytes, String sha256) {
    ChunkManifest m = new ChunkManifest();
    m.table = c.table;
    m.ordinal = c.ordinal;
    m.wholeTable = c.wholeTable;
    m.keyColumns = c.keyColumns == null ? new ArrayList<>() : new ArrayList<>(c.keyColumns);
    m.lower = c.lower;
    m.lowerInclusive = c.lowerInclusive;
    m.upper = c.upper;
    m.data = data;
    List<LoadDataWriter.Field> fields = LoadDataWriter.Field.of(cols);
    for (int i = 0; i < cols.size(); i++) {
      m.columns.add(new Field(cols.get(i).name(), cols.get(i).columnType(), fields.get(i).hex()));
    }
    m.rows = rows;
    m.bytes = bytes;
    m.sha256 = sha256;
    return m;
  }

  /** Whether this manifest was written for exactly this chunk (same table, ordinal and bounds). */
  boolean describes(Chunk c) {
    return Objects.equals(table, c.table) && ordinal == c.ordinal && wholeTable == c.wholeTable
        && Objects.equals(keyColumns, c.keyColumns == null ? List.of() : c.keyColumns)
        && Objects.equals(lower, c.lower) && (lower == null || lowerInclusive == c.lowerInclusive)
        && Objects.equals(upper, c.upper);
  }

  List<LoadDataWriter.Field> fields() {
    return columns.stream().map(f -> new LoadDataWriter.Field(f.name, f.hex)).toList();
  }

  byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest does not serialize", e);
    }
  }

  /**
   * Reads the manifest {@code name}: NoSuchFileException when it is not there, a CORRUPT
   * StageException when it is not a manifest this version can load.
   */
  static ChunkManifest read(Stage stage, String name) throws IOException {
    ChunkManifest m;
    try (InputStream in = stage.open(name)) {
      m = JSON.readValue(in, ChunkManifest.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new StageException(StageException.Kind.CORRUPT, "the manifest " + stage.describe(name)
          + " is not valid: " + e.getOriginalMessage(), e);
    }
    if (m == null || m.format != FORMAT || m.sha256 == null || m.columns == null || m.columns.isEmpty()) {
      throw new StageException(StageException.Kind.CORRUPT, "the manifest " + stage.describe(name) + " is not a format "
          + FORMAT + " chunk manifest" + (m != null && m.format > FORMAT ? " (written by a newer migrator: format "
          + m.format + "); run the same version on the dump and the load workers" : ""));
    }
    return m;
  }
}
