package dev.migrator.activities;

import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.SchemaResult;
import dev.migrator.model.TableRef;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Step 4: schema objects from the frozen copy to the target. */
@ActivityInterface
public interface SchemaActivities {
  /** Lists the tables the request selects, read from the source (or the frozen copy). */
  List<TableRef> listTables(MigrationRequest request, FrozenCopy frozen);

  /** Creates the request's schemas and tables on the target; refuses to touch existing ones. */
  SchemaResult createSchema(MigrationRequest request, FrozenCopy frozen);

  /**
   * After a verified load: creates the triggers (so the copy never fired them) and, with
   * copy.deferSecondaryIndexes, the secondary indexes left out by createSchema. Idempotent.
   */
  SchemaResult createPostLoadObjects(MigrationRequest request, FrozenCopy frozen);

  /**
   * Drops the given schemas on the target if they exist. Idempotent. The workflow passes only
   * schemas this migration created (they did not exist at preflight).
   */
  void dropSchemas(MigrationRequest request, List<String> schemas);
}
