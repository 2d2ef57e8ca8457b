package dev.migrator.model;

/**
 * The frozen copy the copy step reads: a server whose contents match {@link #coordinates} on the
 * source exactly. For live-consistent there is no separate server: the copy opens a consistent
 * snapshot on the source itself and the coordinates are captured then.
 */
public class FrozenCopy {
  public String method;
  /** Server to read from; null for live-consistent (the source inside a snapshot transaction). */
  public Endpoint endpoint;
  /** Exact source binlog coordinates matching the frozen contents; null until known. */
  public BinlogCoordinates coordinates;
  /** False when a crash mid-copy forces the copy to restart from scratch (live-consistent). */
  public boolean resumable;
  /** Identifier of a temporary resource to release (cluster id, data dir, replica), if any. */
  public String resourceId;

  public String note;
}
