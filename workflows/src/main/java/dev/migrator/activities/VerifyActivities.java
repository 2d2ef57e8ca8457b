package dev.migrator.activities;

import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TableChecksum;
import dev.migrator.model.TableRef;
import dev.migrator.model.VerifyResult;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Step 7: row counts and content checksums, frozen copy vs target. */
@ActivityInterface
public interface VerifyActivities {
  /**
   * Compares the target against {@code sourceChecksums} when given (computed inside the frozen
   * snapshot), otherwise against checksums read now from the frozen copy's endpoint.
   */
  VerifyResult verify(
      MigrationRequest request, FrozenCopy frozen, List<TableRef> tables, List<TableChecksum> sourceChecksums);
}
