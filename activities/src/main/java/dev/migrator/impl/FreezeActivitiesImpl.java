package dev.migrator.impl;

import dev.migrator.activities.FreezeActivities;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import io.temporal.failure.ApplicationFailure;

/**
 * Step 3. live-consistent needs no separate server: the copy opens one consistent snapshot on the
 * source and captures its coordinates there. It is not resumable across a worker crash: the
 * copy restarts from scratch, and the status says so.
 */
public class FreezeActivitiesImpl implements FreezeActivities {

  @Override
  public FrozenCopy freeze(MigrationRequest r, String migrationId) {
    if (FreezeMethod.LIVE_CONSISTENT.equals(r.method)) {
      FrozenCopy f = new FrozenCopy();
      f.method = r.method;
      f.resumable = false;
      f.note = "live-consistent: the copy reads one consistent snapshot of the live source and records its"
          + " binlog coordinates; a worker crash during the copy restarts the copy from scratch";
      return f;
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "freeze method '" + r.method + "' is not available in this build; use live-consistent", "InvalidRequest");
  }

  @Override
  public void releaseFrozenCopy(MigrationRequest r, String migrationId) {
    // live-consistent holds nothing beyond the copy's own transaction.
  }
}
