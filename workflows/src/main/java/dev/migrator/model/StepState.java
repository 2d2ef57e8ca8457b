package dev.migrator.model;

/** One row of the checklist as the status query shows it. */
public class StepState {
  public static final String PENDING = "pending";
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String SKIPPED = "skipped";
  public static final String FAILED = "failed";
  public static final String PAUSED = "paused";

  public int number;
  public String name;
  public String state = PENDING;
  public Long startedAtMillis;
  public Long endedAtMillis;
  public Long durationMillis;
  /** Short human-readable outcome or error. */
  public String detail;
  public int attempts;

  public StepState() {}

  public StepState(Step step) {
    this.number = step.number;
    this.name = step.label;
  }
}
