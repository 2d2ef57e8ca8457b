package dev.migrator.activities;

import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TableChecksum;
import dev.migrator.model.TableRef;
import java.util.ArrayList;
import java.util.List;

/**
 * The step-sized inputs of the activities, cut from the request: each activity gets what its step
 * touches (endpoints, schemas, options), not the whole request, so its signature says what it
 * touches and a batch of chunks does not carry the request into history. Pure functions of the
 * request: the workflow builds them deterministically.
 */
public final class StepInputs {
  private StepInputs() {}

  public static RetentionInput retention(MigrationRequest r) {
    RetentionInput in = new RetentionInput();
    in.migrationId = r.migrationId;
    in.source = r.source;
    in.retentionHours = r.retentionHours;
    return in;
  }

  public static FreezeInput freeze(MigrationRequest r) {
    FreezeInput in = new FreezeInput();
    in.migrationId = r.migrationId;
    in.method = r.method;
    in.source = r.source;
    in.frozenReplica = r.frozenReplica;
    in.aurora = r.aurora;
    return in;
  }

  /** The freeze input under another name for its temporary resources (tests, tools). */
  public static FreezeInput freeze(MigrationRequest r, String migrationId) {
    FreezeInput in = freeze(r);
    in.migrationId = migrationId;
    return in;
  }

  /** Definitions read from the frozen copy when there is one, else from the source. */
  public static SchemaInput schema(MigrationRequest r, FrozenCopy frozen) {
    SchemaInput in = new SchemaInput();
    in.migrationId = r.migrationId;
    in.source = r.source;
    in.readFrom = frozen != null && frozen.endpoint != null ? frozen.endpoint : r.source;
    in.target = r.target;
    in.schemas = new ArrayList<>(r.schemas);
    in.tables = r.tables == null ? new ArrayList<>() : new ArrayList<>(r.tables);
    if (r.schemaOptions != null) in.schemaOptions = r.schemaOptions;
    in.deferSecondaryIndexes = r.copy != null && r.copy.defersIndexes();
    return in;
  }

  /** Definitions read from {@code readFrom} (a table-copy child's frozen copy). */
  public static SchemaInput schema(MigrationRequest r, dev.migrator.model.Endpoint readFrom) {
    FrozenCopy f = new FrozenCopy();
    f.endpoint = readFrom;
    return schema(r, f);
  }

  /** The copy from {@code from} (the frozen copy's endpoint; null for live-consistent) to the target. */
  public static CopyInput copy(MigrationRequest r, dev.migrator.model.Endpoint from) {
    CopyInput in = new CopyInput();
    in.migrationId = r.migrationId;
    in.method = r.method;
    in.source = r.source;
    in.from = from;
    in.target = r.target;
    if (r.copy != null) in.copy = r.copy;
    in.frozenInstanceClass = FreezeMethod.AURORA_SNAPSHOT.equals(r.method) && r.aurora != null
        ? r.aurora.instanceClass : null;
    return in;
  }

  public static VerifyInput verify(MigrationRequest r, FrozenCopy frozen, List<TableRef> tables,
      List<TableChecksum> sourceChecksums) {
    VerifyInput in = new VerifyInput();
    in.migrationId = r.migrationId;
    in.target = r.target;
    in.frozen = frozen;
    in.tables = tables;
    in.sourceChecksums = sourceChecksums;
    return in;
  }

  public static ReplicationInput replication(MigrationRequest r) {
    ReplicationInput in = new ReplicationInput();
    in.migrationId = r.migrationId;
    in.source = r.source;
    in.target = r.target;
    if (r.replication != null) in.replication = r.replication;
    in.schemas = new ArrayList<>(r.schemas);
    return in;
  }

  public static CutoverInput cutover(MigrationRequest r) {
    CutoverInput in = new CutoverInput();
    in.migrationId = r.migrationId;
    in.source = r.source;
    in.target = r.target;
    if (r.cutover != null) in.cutover = r.cutover;
    if (r.replication != null) in.replication = r.replication;
    in.schemas = new ArrayList<>(r.schemas);
    return in;
  }

  public static TrafficInput traffic(MigrationRequest r) {
    TrafficInput in = new TrafficInput();
    in.migrationId = r.migrationId;
    in.source = r.source;
    in.target = r.target;
    in.trafficSwitch = r.cutover == null ? null : r.cutover.trafficSwitch;
    return in;
  }
}
