package dev.migrator.workflow.checklist;

import dev.migrator.model.AccountsInput;
import dev.migrator.model.AccountsResult;
import dev.migrator.model.AccountsStatus;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import java.util.List;

/**
 * Step 5: the application's accounts, roles and grants, read from the frozen copy and created on
 * the target with their stored hashes. It runs before the schema step, so that
 * {@code schemaOptions.definer: keep} finds the definer accounts; grants on tables and routines
 * the schema step has not created yet are deferred and given by a second pass right after it.
 * Undo: drop exactly the accounts this migration created and put back the ones it replaced (also
 * with rollbackTarget keep). With copy-and-sync the accounts are compared again before the approval
 * passes and synced in the cutover: Aurora MySQL 3 and the replication filter leave the mysql schema
 * out, so changes made on the source since the copy would otherwise never reach the target.
 */
final class AccountsStep {
  private final Migration m;
  private final StepRunner runner;
  /** Whether this run has copied them (a rebuild keeps them: copied from any frozen copy, they are the same). */
  private boolean copied;

  AccountsStep(Migration m, StepRunner runner) {
    this.m = m;
    this.runner = runner;
  }

  private boolean requested() {
    return m.accountsStep && m.request.accounts != null && m.request.accounts.enabled();
  }

  private boolean syncRequested() {
    return requested() && m.request.accounts.sync();
  }

  private AccountsStatus status() {
    if (m.status.accounts == null) {
      m.status.accounts = new AccountsStatus();
      m.status.accounts.mode = m.request.accounts.mode;
    }
    return m.status.accounts;
  }

  /** Before the schema step: copies the accounts in scope (grants on objects not there yet are deferred). */
  void run(FrozenCopy frozen) {
    if (!requested()) {
      if (m.step(Step.ACCOUNTS).state == StepState.PENDING) m.skip(Step.ACCOUNTS, "not requested (accounts.mode none)");
      return;
    }
    if (copied) return;
    AccountsResult res = runner.run(Step.ACCOUNTS, () -> {
      // Registered before the call: a copy that crashed half-way is undone by its ownership records.
      m.shadow.register(Step.ACCOUNTS.label, "drop the accounts this migration created, put back the ones it replaced",
          () -> status().notes.addAll(prefixed("rollback: ",
              m.activities.accounts.dropCreatedAccounts(AccountsInput.of(m.request, null)))));
      AccountsResult r = m.activities.accounts.copyAccounts(AccountsInput.of(m.request, frozen));
      status().copied = r;
      m.warn("accounts: ", r.warnings);
      m.step(Step.ACCOUNTS).detail = r.summary;
      return r;
    });
    copied = res != null; // null: skipped by an operator after a failure
  }

  /** Right after the schema step: the grants that waited for its tables and routines. */
  void afterSchema(FrozenCopy frozen) {
    if (!requested() || !copied) return;
    AccountsResult first = status().copied;
    if (first == null || first.deferredGrants == 0) return;
    StepState st = m.step(Step.ACCOUNTS);
    Long startedAt = st.startedAtMillis;
    long before = st.durationMillis == null ? 0 : st.durationMillis;
    AccountsResult res = runner.run(Step.ACCOUNTS, () -> {
      AccountsResult r = m.activities.accounts.copyAccounts(AccountsInput.of(m.request, frozen));
      status().deferredGrants = r;
      m.warn("accounts: ", r.warnings);
      return r;
    });
    if (res != null) st.detail = first.summary + "; then " + first.deferredGrants + " deferred grant(s) after the schema step";
    // One row for both passes: first start, time spent in both.
    st.startedAtMillis = startedAt;
    st.durationMillis = before + (st.durationMillis == null ? 0 : st.durationMillis);
  }

  /**
   * copy-and-sync, when the approval is about to pass: applies what changed on the source since
   * the copy (pending while the target's read-only guard refuses it; the cutover applies it). Null
   * when the approval may pass, else why not: accounts the target cannot take.
   */
  String beforeApproval() {
    if (!syncRequested()) return null;
    AccountsResult res = m.activities.accounts.syncAccounts(AccountsInput.of(m.request, null));
    status().beforeApproval = res;
    if (res.refused == 0) return null;
    return "accounts: " + res.refused + " account(s) changed on the source that the target cannot take ("
        + String.join("; ", res.warnings) + "): change them on the source, or leave them out with accounts.exclude";
  }

  /** copy-and-sync, in the cutover (source stopped, target writable, traffic not switched yet). */
  void atCutover() {
    if (!syncRequested()) return;
    AccountsResult res = m.activities.accounts.syncAccounts(AccountsInput.of(m.request, null));
    status().atCutover = res;
    m.warn("cutover: accounts: ", res.warnings);
  }

  /** After a completed migration: the accounts are the application's (a rehearsal drops them in its rollback). */
  void release() {
    if (!requested() || !copied || m.request.rehearsal) return;
    status().notes.addAll(m.activities.accounts.releaseAccounts(AccountsInput.of(m.request, null)));
  }

  private static List<String> prefixed(String prefix, List<String> notes) {
    return notes == null ? List.of() : notes.stream().map(n -> prefix + n).toList();
  }
}
