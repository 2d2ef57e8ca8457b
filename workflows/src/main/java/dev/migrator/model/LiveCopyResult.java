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
}
