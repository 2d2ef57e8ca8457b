package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The state of one checklist row, written by name ("pending", "done", ...). */
public enum StepStatus {
  PENDING("pending"),
  RUNNING("running"),
  DONE("done"),
  SKIPPED("skipped"),
  FAILED("failed"),
  PAUSED("paused");

  private final String wire;

  StepStatus(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static StepStatus of(String s) {
    for (StepStatus v : values()) if (v.wire.equals(s)) return v;
    throw new IllegalArgumentException("unknown step state '" + s + "'");
  }

  @Override
  public String toString() {
    return wire;
  }
}
