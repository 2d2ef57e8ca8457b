package dev.migrator.model;

/** One row of the shadow checklist: the undo of a step that changed something. */
public class CompensationState {
  public static final String PENDING = "pending";
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String FAILED = "failed";

  public String step;
  public String action;
  public String state = PENDING;
  public Long startedAtMillis;
  public Long endedAtMillis;
  public String detail;

  public CompensationState() {}

  public CompensationState(String step, String action) {
    this.step = step;
    this.action = action;
  }
}
