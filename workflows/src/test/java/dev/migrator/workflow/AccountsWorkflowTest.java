package dev.migrator.workflow;

import static dev.migrator.workflow.WorkflowTestKit.result;
import static dev.migrator.workflow.WorkflowTestKit.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.AccountsOptions;
import dev.migrator.model.Decision;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Step 5 in the workflow: copied before the schema step (definers exist for its objects), deferred
 * grants given right after it, undone by the rollback, released by a completed migration; with
 * copy-and-sync compared before the approval passes and synced in the cutover before traffic moves.
 */
class AccountsWorkflowTest extends WorkflowTestBase {
  private static MigrationRequest request(String mode) {
    MigrationRequest r = WorkflowTestKit.request();
    r.accounts.mode = mode;
    r.cutover.autoApprove = true;
    return r;
  }

  private List<String> methods() {
    return fakes.journal.methods();
  }

  @Test
  void withoutAccountsTheStepIsSkippedAndNoAccountsActivityRuns() {
    MigrationResult done = result(kit.start(request(AccountsOptions.NONE)));
    assertEquals(MigrationResult.COMPLETED, done.outcome);
    assertEquals(StepState.SKIPPED, step(done.status, Step.ACCOUNTS).state);
    assertNull(done.status.accounts);
    assertTrue(methods().stream().noneMatch(m -> m.contains("Accounts")), methods().toString());
  }

  @Test
  void copyRunsBeforeTheSchemaStepFromTheFrozenCopyAndIsReleasedAtTheFinish() {
    MigrationResult done = result(kit.start(request(AccountsOptions.COPY)));

    assertEquals(MigrationResult.COMPLETED, done.outcome);
    List<String> m = methods();
    assertTrue(m.indexOf("freeze") < m.indexOf("copyAccounts") && m.indexOf("copyAccounts") < m.indexOf("createSchema"),
        "accounts between freeze and schema: " + m);
    assertTrue(fakes.journal.calls().contains("copyAccounts(source.example)"), "live-consistent: read from the source");
    assertEquals(1, fakes.journal.count("copyAccounts"), "no deferred grants: one pass");
    assertEquals(0, fakes.journal.count("syncAccounts"), "copy only: no sync");
    assertTrue(m.indexOf("releaseAccounts") > m.indexOf("releaseSchemas"), m.toString());
    assertEquals(0, fakes.journal.count("dropCreatedAccounts"));

    MigrationStatus s = done.status;
    assertEquals(StepState.DONE, step(s, Step.ACCOUNTS).state);
    assertEquals("created 3 accounts", step(s, Step.ACCOUNTS).detail);
    assertEquals("copy", s.accounts.mode);
    assertEquals(3, s.accounts.copied.created);
    assertTrue(s.warnings.stream().anyMatch(w -> w.startsWith("accounts: ") && w.contains("SUPER")), s.warnings.toString());
    assertTrue(s.accounts.notes.contains("3 accounts released to the application"), s.accounts.notes.toString());
    assertEquals("copied at step 5: created 3 accounts", s.accounts.statusLines().get(0));
  }

  @Test
  void grantsDeferredUntilTheSchemaExistsAreGivenRightAfterTheSchemaStep() {
    fakes.accountsDeferredGrants = 4;
    MigrationRequest r = request(AccountsOptions.COPY);
    r.method = "stopped-replica";
    r.frozenReplica = new dev.migrator.model.Endpoint("replica.local", 3306, "root", null);
    MigrationResult done = result(kit.start(r));

    List<String> m = methods();
    assertEquals(2, fakes.journal.count("copyAccounts"));
    assertEquals(2, fakes.journal.calls().stream().filter("copyAccounts(frozen.local)"::equals).count(),
        "both passes read the frozen copy: " + fakes.journal.calls());
    int second = m.lastIndexOf("copyAccounts");
    assertTrue(second > m.indexOf("createSchema") && second < m.indexOf("sizeCopy"), "after schema, before the copy: " + m);
    assertEquals(4, done.status.accounts.copied.deferredGrants);
    assertEquals(0, done.status.accounts.deferredGrants.deferredGrants, "the second pass gave them");
    assertTrue(step(done.status, Step.ACCOUNTS).detail.endsWith("then 4 deferred grant(s) after the schema step"),
        step(done.status, Step.ACCOUNTS).detail);
    assertEquals(StepState.DONE, step(done.status, Step.ACCOUNTS).state);
  }

  @Test
  void aRehearsalDropsTheAccountsItCreatedAndReleasesNothing() {
    MigrationRequest r = request(AccountsOptions.COPY);
    r.rehearsal = true;
    MigrationResult done = result(kit.start(r));

    assertEquals(1, fakes.journal.count("dropCreatedAccounts"));
    assertEquals(0, fakes.journal.count("releaseAccounts"));
    List<String> m = methods();
    assertTrue(m.indexOf("dropCreatedAccounts") > m.indexOf("dropSchemas"), "undone in reverse order: " + m);
    assertTrue(done.status.accounts.notes.contains("rollback: dropped 3 accounts this migration created"),
        done.status.accounts.notes.toString());
  }

  @Test
  void copyAndSyncComparesBeforeTheApprovalAndSyncsInTheCutoverBeforeTheTrafficSwitch() {
    MigrationRequest r = request(AccountsOptions.COPY_AND_SYNC);
    r.cutover.trafficSwitch = new dev.migrator.model.TrafficSwitch();
    r.cutover.trafficSwitch.command = "true";
    MigrationResult done = result(kit.start(r));

    assertEquals(MigrationResult.COMPLETED, done.outcome);
    List<String> m = methods();
    assertEquals(2, fakes.journal.count("syncAccounts"), m.toString());
    int beforeApproval = m.indexOf("syncAccounts");
    int atCutover = m.lastIndexOf("syncAccounts");
    assertTrue(beforeApproval < m.indexOf("setSourceReadOnly"), "before the cutover: " + m);
    assertTrue(atCutover > m.lastIndexOf("setTargetReadOnly") && atCutover < m.indexOf("switchTraffic"),
        "target writable, traffic not switched yet: " + m);
    assertNotNull(done.status.accounts.beforeApproval);
    assertEquals("2 accounts changed on the source since the copy: applied", done.status.accounts.atCutover.summary);
    assertTrue(done.status.accounts.statusLines().contains(
        "synced at the cutover: 2 accounts changed on the source since the copy: applied"),
        done.status.accounts.statusLines().toString());
  }

  @Test
  void accountsTheTargetCannotTakeStopAnAutomaticApprovalWithAReason() {
    fakes.accountsRefusedAtSync = 1;
    MigrationWorkflow wf = kit.start(request(AccountsOptions.COPY_AND_SYNC));

    MigrationStatus s = kit.awaitStatus(wf, st -> st.paused && !st.allowedDecisions.isEmpty(), "paused on refused accounts");
    assertEquals("approve", s.currentStep);
    assertTrue(s.pausedReason.contains("mysql_native_password") && s.pausedReason.contains("accounts.exclude"),
        s.pausedReason);
    assertEquals(0, fakes.journal.count("setSourceReadOnly"), "no cutover started");
    assertFalse(s.allowedDecisions.contains(Decision.SKIP));

    fakes.accountsRefusedAtSync = 0; // fixed on the source
    wf.decide("retry");
    assertEquals(MigrationResult.COMPLETED, result(wf).outcome);
  }

  @Test
  void aManualApprovalIsWithdrawnWhileAccountsAreRefusedAndPassesOnceFixed() {
    fakes.accountsRefusedAtSync = 1;
    MigrationRequest r = request(AccountsOptions.COPY_AND_SYNC);
    r.cutover.autoApprove = false;
    MigrationWorkflow wf = kit.start(r);
    kit.awaitStatus(wf, st -> st.pausedReason != null && st.pausedReason.startsWith("waiting for approval"), "waiting");
    wf.approveCutover("alice");
    MigrationStatus s = kit.awaitStatus(wf, st -> st.approvalRefused != null, "approval withdrawn");
    assertTrue(s.approvalRefused.contains("accounts: 1 account(s)"), s.approvalRefused);
    assertEquals(0, fakes.journal.count("setSourceReadOnly"));

    fakes.accountsRefusedAtSync = 0;
    wf.approveCutover("alice");
    assertEquals(MigrationResult.COMPLETED, result(wf).outcome);
  }

  @Test
  void aFailedCopyPausesAndAnOperatorMaySkipTheStep() {
    fakes.fail("copyAccounts");
    MigrationWorkflow wf = kit.start(request(AccountsOptions.COPY));
    MigrationStatus s = kit.awaitStatus(wf, st -> st.paused && !st.allowedDecisions.isEmpty(), "paused on the copy");
    assertEquals("accounts", s.currentStep);
    assertTrue(s.allowedDecisions.contains(Decision.SKIP), s.allowedDecisions.toString());
    wf.decide("skip");
    MigrationResult done = result(wf);
    assertEquals(MigrationResult.COMPLETED, done.outcome);
    assertEquals(StepState.SKIPPED, step(done.status, Step.ACCOUNTS).state);
    assertEquals(0, fakes.journal.count("releaseAccounts"), "nothing copied, nothing released");
  }
}
