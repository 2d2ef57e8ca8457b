package dev.migrator.model;

/** One lag poll: the replica's status against the source's current position. */
public class LagReading {
  public ReplicationStatus replica;
  public BinlogCoordinates sourcePosition;
  /** The replica has executed at least the source's position read just before. */
  public boolean caughtUp;
  /** Plain-language diagnosis when a thread has stopped with an error; null when healthy. */
  public String diagnosis;
  /** Error class: log-purged, impossible-position, duplicate-key, missing-row, connect, access-denied, other. */
  public String errorKind;

  public long polledAtMillis;
}
