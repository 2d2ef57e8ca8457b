package dev.migrator.model;

/** One row of the shadow checklist: the undo of a step that changed something. */
public class CompensationState {
  public static final UndoStatus PENDING = UndoStatus.PENDING;
  public static final UndoStatus RUNNING = UndoStatus.RUNNING;
  public static final UndoStatus DONE = UndoStatus.DONE;
  public static final UndoStatus FAILED = UndoStatus.FAILED;
  public static final UndoStatus RETIRED = UndoStatus.RETIRED;

  public String step;
  public String action;
  public UndoStatus state = PENDING;
  public Long startedAtMillis;
  public Long endedAtMillis;
  public String detail;

  public CompensationState() {}

  public CompensationState(String step, String action) {
    this.step = step;
    this.action = action;
  }
}
