package dev.migrator.model;

/** Input of one run of the catch-up child workflow; carried across continue-as-new. */
public class CatchUpInput {
  public MigrationRequest request;
  /** Workflow id of the migration to report readings to. */
  public String parentWorkflowId;
  /** Polls (long-polling activity calls) per run before continuing as new: bounds the child's history. */
  public int pollsPerRun = 100;
  /** Shortest workflow time between two lag reports to the parent: bounds the parent's history growth. */
  public int reportEverySeconds = 300;
  /** Longest single activity call; the activity returns earlier when caught up or on an error. */
  public int activitySeconds = 60;
  /** Lag trend carried from run to run. */
  public LagTrend trend = new LagTrend();
  /** Workflow time (ms) of the last report to the parent; 0 = never. */
  public long lastReportAtMillis;
  /** Runs so far (1 for the first), for the status and tests. */
  public int run = 1;
  /** Polls so far over all runs. */
  public int polls;
  /**
   * Watch mode (while the migration waits for approval): keep polling while healthy and return
   * only on a replication error; report to the parent whenever what the approval gate decides on
   * changes (error, threads stopped, lag above {@link #maxLagSeconds}), and at reportEverySeconds.
   */
  public boolean watch;
  /** Watch mode: the approval gate's lag limit (cutover.maxLagSecondsForApproval). */
  public int maxLagSeconds = 30;
  /** Watch mode: the gate state last reported to the parent ("ok", "lag", "threads", "error:kind"). */
  public String lastReportedGate;
}
