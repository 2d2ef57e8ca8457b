package dev.migrator.workflow.checklist;

import dev.migrator.activities.AccountsActivities;
import dev.migrator.activities.CopyActivities;
import dev.migrator.activities.CutoverActivities;
import dev.migrator.activities.FreezeActivities;
import dev.migrator.activities.PreflightActivities;
import dev.migrator.activities.ReplicationActivities;
import dev.migrator.activities.RetentionActivities;
import dev.migrator.activities.SchemaActivities;
import dev.migrator.activities.StagedCopyActivities;
import dev.migrator.activities.TrafficActivities;
import dev.migrator.activities.VerifyActivities;
import dev.migrator.workflow.ActivityProfiles;
import io.temporal.workflow.Workflow;

/** The migration's activity stubs, each with its {@link ActivityProfiles profile}. */
final class ActivityStubs {
  final PreflightActivities preflight = Workflow.newActivityStub(PreflightActivities.class, ActivityProfiles.SHORT);
  final RetentionActivities retention = Workflow.newActivityStub(RetentionActivities.class, ActivityProfiles.SHORT);
  final FreezeActivities freeze = Workflow.newActivityStub(FreezeActivities.class, ActivityProfiles.LONG);
  final SchemaActivities schema = Workflow.newActivityStub(SchemaActivities.class, ActivityProfiles.LONG);
  final AccountsActivities accounts = Workflow.newActivityStub(AccountsActivities.class, ActivityProfiles.ACCOUNTS);
  final CopyActivities copy = Workflow.newActivityStub(CopyActivities.class, ActivityProfiles.LONG);
  final StagedCopyActivities stage = Workflow.newActivityStub(StagedCopyActivities.class, ActivityProfiles.LONG);
  final VerifyActivities verify = Workflow.newActivityStub(VerifyActivities.class, ActivityProfiles.LONG);
  final ReplicationActivities replication = Workflow.newActivityStub(ReplicationActivities.class, ActivityProfiles.LONG);
  final CutoverActivities cutover = Workflow.newActivityStub(CutoverActivities.class, ActivityProfiles.LONG);
  final TrafficActivities traffic = Workflow.newActivityStub(TrafficActivities.class, ActivityProfiles.SHORT);
  final dev.migrator.activities.RedoLogActivities redoLog =
      Workflow.newActivityStub(dev.migrator.activities.RedoLogActivities.class, ActivityProfiles.SHORT);
}
