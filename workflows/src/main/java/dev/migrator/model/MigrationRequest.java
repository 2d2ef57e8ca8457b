package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The one input of {@code MigrationWorkflow}: JSON-friendly, every optional field has a default.
 * Holds no secret: passwords are references resolved by activities.
 */
public class MigrationRequest {
  /** Free-form name used in logs and resource names; defaults to the workflow id. */
  public String migrationId;

  public Endpoint source;
  public Endpoint target;
  /** How to freeze the source: live-consistent, physical-backup, stopped-replica, aurora-snapshot. */
  public String method = FreezeMethod.LIVE_CONSISTENT;
  /** Databases (schemas) to migrate. Required. */
  public List<String> schemas = new ArrayList<>();
  /** Optional: only these tables ("schema.table"); empty means every table of the schemas. */
  public List<String> tables = new ArrayList<>();
  /**
   * stopped-replica only: an existing replica of the source whose SQL thread the freeze stops and
   * the release starts again. Password by reference.
   */
  public Endpoint frozenReplica;
  /** aurora-snapshot only: where and how the temporary cluster is restored. */
  public AuroraSnapshotOptions aurora = new AuroraSnapshotOptions();

  public CopyOptions copy = new CopyOptions();
  /** Compatibility rewrites of the schema step (DEFINER policy). */
  public SchemaOptions schemaOptions = new SchemaOptions();
  public ReplicationOptions replication = new ReplicationOptions();
  /** Step 5: the source's accounts on the target (mode none by default: not migrated). */
  public AccountsOptions accounts = new AccountsOptions();
  public CutoverOptions cutover = new CutoverOptions();
  /** Step 7: inline (default) or full verification. */
  public VerifyOptions verify = new VerifyOptions();
  /** Hours of binlog retention the migration needs on the source. */
  public int retentionHours = 24;
  /**
   * What a rollback does to the target's data: "drop" (the schemas this migration created) or
   * "keep" (leave schemas and rows for inspection; replication and accounts are still undone).
   */
  public String rollbackTarget = "drop";
  /** What a failed step does: "pause" (wait for an operator decision) or "rollback". */
  public String onFailure = "pause";
  /**
   * Steps to pause before (their labels, e.g. "replicate", "cutover"): the migration stops there
   * and waits for 'resume' (or 'rollback'), for staged migrations and inspection.
   */
  public List<String> pauseBefore = new ArrayList<>();

  /** A rehearsal approves itself and rolls back at the end. */
  public boolean rehearsal = false;

  /**
   * What could not be read from the JSON (unknown fields, values of the wrong type), one message
   * each: the validate step fails with them. Not part of the JSON.
   */
  @JsonIgnore
  public final List<String> inputProblems = new ArrayList<>();

  /**
   * Every JSON form of a request decodes, so a workflow started with a misspelt field or a wrong
   * type (the {@code temporal} CLI, the Web UI) fails at step 0 naming it instead of failing its
   * workflow task forever; see {@link RequestJson}.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static MigrationRequest fromJson(JsonNode json) {
    return RequestJson.read(json);
  }
}
