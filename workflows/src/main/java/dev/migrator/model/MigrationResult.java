package dev.migrator.model;

/** The workflow's result: how it ended, with the final status. */
public class MigrationResult {
  public static final String COMPLETED = "completed";
  public static final String ROLLED_BACK = "rolled-back";
  public static final String FAILED = "failed";

  public String outcome;
  public MigrationStatus status;

  public MigrationResult() {}

  public MigrationResult(String outcome, MigrationStatus status) {
    this.outcome = outcome;
    this.status = status;
  }
}
