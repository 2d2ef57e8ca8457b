package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * One key range of a table: rows whose key (compared as a tuple, in key column order, by the
 * server) is greater than {@link #lower} (or >= when {@link #lowerInclusive}) and less than or
 * equal to {@link #upper}. A null bound is open: the first chunk has no lower bound and the last
 * has no upper bound, so rows with keys beyond those seen at planning time are still covered.
 * A chunk with both bounds null is the whole table (keyless tables: see {@link #wholeTable}).
 */
public class Chunk {
  public TableRef table;
  /** Position in the plan, 0-based; chunks of a plan are disjoint and ordered by key. */
  public int ordinal;
  /** The index walked (PRIMARY or a unique NOT NULL key); null for a keyless table. */
  public String index;
  /** Key column names in index order; empty for a keyless table. */
  public List<String> keyColumns = new ArrayList<>();
  /** Lower bound, one value per key column; null = from the first row. */
  public List<KeyValue> lower;
  public boolean lowerInclusive;
  /** Upper bound (inclusive), one value per key column; null = to the last row. */
  public List<KeyValue> upper;
  /** Rows expected in the chunk at planning time (an estimate for arithmetic integer ranges). */
  public long estimatedRows;
  /** True when the table has no usable key: the chunk is the whole table and replaces it all. */
  public boolean wholeTable;

  public Chunk() {}

  @JsonIgnore
  public String id() {
    return table.qualified() + "#" + ordinal;
  }

  @Override
  public String toString() {
    return id() + (wholeTable ? " (whole table)"
        : " " + (lower == null ? "(-inf" : (lowerInclusive ? "[" : "(") + lower) + " .. "
            + (upper == null ? "+inf)" : upper + "]"));
  }
}
