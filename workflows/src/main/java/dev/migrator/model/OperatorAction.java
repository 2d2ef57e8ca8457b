package dev.migrator.model;

/**
 * Who asks for an operator action, and its argument: the one input of the attributed signals
 * ({@code approveBy}, {@code rollbackBy}, {@code pauseBy}, {@code resumeBy}, {@code decideBy}) and
 * of the {@code approveCutoverBy} update, so that the history records it with the action. In the
 * Web UI or the temporal CLI: {@code {"by": "alice", "reason": "..."}}.
 */
public class OperatorAction {
  /** Who: the CLI's --by, by default the OS user. */
  public String by;
  /** The Temporal client identity the action was sent with (the SDK's "pid@host" by default). */
  public String identity;
  /** rollback, pause: why. */
  public String reason;
  /** decide: the decision (retry, skip, next-log, rebuild, kill-and-retry, rollback). */
  public String decision;

  public OperatorAction() {}

  public OperatorAction(String by, String identity) {
    this.by = by;
    this.identity = identity;
  }

  public OperatorAction reason(String r) {
    reason = r;
    return this;
  }

  public OperatorAction decision(String d) {
    decision = d;
    return this;
  }
}
