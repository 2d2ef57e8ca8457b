package dev.migrator.model;

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
}
