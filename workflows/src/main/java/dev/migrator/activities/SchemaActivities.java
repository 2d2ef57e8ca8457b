package dev.migrator.activities;

import dev.migrator.model.SchemaResult;
import dev.migrator.model.TableRef;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Step 4: schema objects from the frozen copy to the target. */
@ActivityInterface
public interface SchemaActivities {
  /** Lists the tables the request selects, read from the source (or the frozen copy). */
  List<TableRef> listTables(SchemaInput in);

  /** Creates the request's schemas and tables on the target; refuses to touch existing ones. */
  SchemaResult createSchema(SchemaInput in);

  /**
   * After a verified load: creates the triggers (so the copy never fired them) and, with
   * copy.deferSecondaryIndexes, the secondary indexes left out by createSchema. Idempotent.
   */
  SchemaResult createPostLoadObjects(SchemaInput in);

  /**
   * With copy.deferSecondaryIndexes: adds the secondary indexes createSchema left out to these
   * tables, once each is loaded (the table-copy child calls it as its tables finish, so index
   * builds overlap other tables' loads). One ALTER TABLE per table, only the indexes the target
   * does not have yet: idempotent. Definitions come from {@code in.readFrom}, the frozen copy.
   */
  SchemaResult addDeferredIndexes(SchemaInput in, List<TableRef> tables);

  /**
   * Drops the given schemas on the target, but only those this migration created (recorded in the
   * target's ownership table when the schema step created them), and keeps, with a note, any that
   * holds objects this migration did not create. Idempotent. Returns notes for the status.
   */
  List<String> dropSchemas(SchemaInput in, List<String> schemas);

  /**
   * After a completed migration: the target schemas belong to the application now; forgets this
   * migration's ownership records (so nothing of migrator's can drop them later). Idempotent.
   */
  void releaseSchemas(SchemaInput in, List<String> schemas);
}
