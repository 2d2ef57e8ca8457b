package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Result of a copy made inside one consistent snapshot of the live source: the snapshot's exact
 * binlog coordinates and the source checksums computed inside the same snapshot.
 */
public class LiveCopyResult {
  public BinlogCoordinates coordinates;
  public List<TableChecksum> sourceChecksums = new ArrayList<>();
  public CopyProgress progress;
  /** How the coordinates were obtained (binlog_snapshot_*, LOCK INSTANCE FOR BACKUP + log_status, or a global read lock). */
  public String snapshot;
  /**
   * The activity attempt that made this copy (0: not reported). Above 1 the copy was restarted
   * from scratch in a new snapshot: an earlier attempt was lost with its worker, or failed.
   */
  public int attempt;
}
