package dev.migrator.model;

/** What the retention step did, so that its compensation can put it back. */
public class RetentionChange {
  /** True when the step changed a setting (RDS/Aurora binlog retention hours). */
  public boolean changed;
  /** Previous value in hours; null when it was unset (RDS default: purge as soon as possible). */
  public Integer previousHours;

  public Integer newHours;
  /** Effective retention seen on a self-managed source, in seconds (0 = never expires). */
  public long effectiveSeconds;

  public String note;
}
