package dev.migrator.activities;

import io.temporal.activity.ActivityInterface;

/**
 * copy.disableRedoLog: the target's InnoDB redo log, off for the copy and on again after it
 * (ALTER INSTANCE {DISABLE|ENABLE} INNODB REDO_LOG, MySQL 8.0.21+). Both read
 * Innodb_redo_log_enabled first and change nothing when it already is as asked, so retries and
 * repeated undos are harmless. Each returns a note for the status ("disabled", "already enabled").
 */
@ActivityInterface
public interface RedoLogActivities {
  /** Turns the redo log of {@code in.target} off (a no-op when already off). */
  String disableRedoLog(CopyInput in);

  /** Turns the redo log of {@code in.target} on again (a no-op when already on). */
  String enableRedoLog(CopyInput in);
}
