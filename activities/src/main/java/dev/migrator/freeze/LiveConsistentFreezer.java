package dev.migrator.freeze;

import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.activities.FreezeInput;

/**
 * {@code live-consistent} needs no separate server: the copy opens one consistent snapshot on the
 * source and captures its coordinates there. It is not resumable across a worker crash: the copy
 * restarts from scratch, and the status says so. Holds nothing to release.
 */
public final class LiveConsistentFreezer implements Freezer {
  @Override
  public String method() {
    return FreezeMethod.LIVE_CONSISTENT;
  }

  @Override
  public FrozenCopy freeze(FreezeInput r, String migrationId) {
    FrozenCopy f = new FrozenCopy();
    f.method = r.method;
    f.resumable = false;
    f.note = "live-consistent: the copy reads one consistent snapshot of the live source and records its"
        + " binlog coordinates; a worker crash during the copy restarts the copy from scratch";
    return f;
  }

  @Override
  public void release(FreezeInput r, String migrationId) {
    // live-consistent holds nothing beyond the copy's own transaction.
  }
}
