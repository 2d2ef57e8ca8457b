package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A position in the source's binary log: file + position, and the GTID set where used. */
public class BinlogCoordinates {
  public String file;
  public long position;
  public String gtidSet;

  public BinlogCoordinates() {}

  public BinlogCoordinates(String file, long position, String gtidSet) {
    this.file = file;
    this.position = position;
    this.gtidSet = gtidSet;
  }

  /** Orders by file sequence number then position; binlog file names share a base name. */
  @JsonIgnore
  public int compareTo(BinlogCoordinates o) {
    int c = Long.compare(fileSequence(file), fileSequence(o.file));
    if (c == 0) c = file.compareTo(o.file);
    return c != 0 ? c : Long.compare(position, o.position);
  }

  static long fileSequence(String f) {
    int dot = f.lastIndexOf('.');
    try {
      return Long.parseLong(f.substring(dot + 1));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return file + ":" + position + (gtidSet == null || gtidSet.isEmpty() ? "" : " gtid=" + gtidSet);
  }
}
