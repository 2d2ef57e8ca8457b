package dev.migrator.model;

/** One row of the checklist as the status query shows it. */
public class StepState {
  public static final StepStatus PENDING = StepStatus.PENDING;
  public static final StepStatus RUNNING = StepStatus.RUNNING;
  public static final StepStatus DONE = StepStatus.DONE;
  public static final StepStatus SKIPPED = StepStatus.SKIPPED;
  public static final StepStatus FAILED = StepStatus.FAILED;
  public static final StepStatus PAUSED = StepStatus.PAUSED;

  public int number;
  public String name;
  public StepStatus state = PENDING;
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
