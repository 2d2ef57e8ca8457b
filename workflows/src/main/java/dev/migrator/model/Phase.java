package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a migration is, as the status, the search attribute {@code MigrationPhase} and the CLI
 * name it. Written by name ("running", "rolled-back"): JSON and search attribute values are the
 * same strings they always were.
 */
public enum Phase {
  RUNNING("running"),
  PAUSED("paused"),
  ROLLING_BACK("rolling-back"),
  COMPLETED("completed"),
  ROLLED_BACK("rolled-back"),
  FAILED("failed");

  private final String wire;

  Phase(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** Still going (running, paused or rolling back): it may still need someone. */
  public boolean open() {
    return this == RUNNING || this == PAUSED || this == ROLLING_BACK;
  }

  @JsonCreator
  public static Phase of(String s) {
    for (Phase p : values()) if (p.wire.equals(s)) return p;
    throw new IllegalArgumentException("unknown phase '" + s + "'");
  }

  @Override
  public String toString() {
    return wire;
  }
}
