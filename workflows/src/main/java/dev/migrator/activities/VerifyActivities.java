package dev.migrator.activities;

import dev.migrator.model.VerifyResult;
import io.temporal.activity.ActivityInterface;

/** Step 7: row counts and content checksums, frozen copy vs target. */
@ActivityInterface
public interface VerifyActivities {
  /**
   * Compares the target against {@code in.sourceChecksums} when given (computed inside the frozen
   * snapshot), otherwise against checksums read now from the frozen copy's endpoint.
   */
  VerifyResult verify(VerifyInput in);
}
