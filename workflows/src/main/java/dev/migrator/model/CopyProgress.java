package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/** Copy progress, overall and per table, as shown by the status query. */
public class CopyProgress {
  public int tablesTotal;
  /** How many copy activities run at once and why (chunked copies). */
  public CopySizing sizing;
  public int tablesDone;
  public long chunksTotal;
  public long chunksDone;
  public long rows;
  public long bytes;
  /** Rows per second since the copy started. */
  public double rowsPerSecond;
  /** Estimated seconds to finish; null when unknown. */
  public Long etaSeconds;

  public List<TableProgress> tables = new ArrayList<>();
}
