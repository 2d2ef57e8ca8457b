package dev.migrator.activities;

import dev.migrator.model.AccountsInput;
import dev.migrator.model.AccountsResult;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * Checklist step 5, accounts (only when {@code accounts.mode} is not {@code none}).
 *
 * <p>What the workflow calls, and when:
 *
 * <ol>
 *   <li>preflight (step 1): nothing extra; {@code AccountsCheck} runs inside the preflight activity
 *       with the same planner. {@link #planAccounts} gives the same plan as a result, for the
 *       status or the CLI.
 *   <li>step 5: {@link #copyAccounts} with {@code readFrom} = the frozen copy (or the live source for
 *       live-consistent). Register the undo {@link #dropCreatedAccounts} on the shadow checklist
 *       <em>before</em> calling it (it is a no-op when nothing was created). The step does not need
 *       the schemas on the target: it can run before step 4, so that {@code schemaOptions.definer:
 *       keep} finds the definer accounts; grants on tables and routines that do not exist yet are
 *       reported as deferred, and a second {@link #copyAccounts} (or {@link #syncAccounts}) after
 *       the schema step gives them.
 *   <li>copy-and-sync, before the approval can pass: {@link #diffAccounts} (read-only: the target is
 *       read-only from the replicate step on) shows what changed on the source since the copy; the
 *       approval gate refuses while its {@code refused} count is above 0 (an account the target
 *       cannot take). Optionally {@link #syncAccounts} there too: where the target's read-only
 *       guard refuses the migration account (MySQL {@code super_read_only}, RDS/Aurora), it changes
 *       nothing and reports the changes as {@code pending} with {@code targetReadOnly}.
 *   <li>copy-and-sync, in the cutover, after the source refuses writes and the target is writable,
 *       before the traffic switch: {@link #syncAccounts}; its {@code summary} goes to the status
 *       ("2 accounts changed on the source since the copy: applied").
 *   <li>rollback: {@link #dropCreatedAccounts}.
 *   <li>finish (completed migration; a rehearsal only after its rollback): {@link #releaseAccounts}.
 * </ol>
 *
 * <p>Every call is idempotent and safe to retry after a crash: what this migration created or
 * replaced is recorded on the target (in {@code migrator_meta.owned_accounts}, keyed by the
 * workflow id) before the statement that creates it, so a retry recognizes its own accounts and the
 * undo finds them. Results and inputs carry names and counts only: password hashes are read and
 * written inside one activity and never returned, logged or put in an error message.
 *
 * <p>Failures: non-retryable {@code AccountsRefused} (copy: accounts the target cannot take, or a
 * grant refused with {@code refusedGrants: fail}; nothing was changed for a refusal found by the
 * plan), non-retryable {@code AccountsUnreadable} (the migration account may not read the grant
 * tables: the message names the table), and the connection/SQL failures of the other activities
 * ({@code AccessDenied}, {@code Sql}, ...; retryable where a retry can help).
 */
@ActivityInterface
public interface AccountsActivities {
  /**
   * Read-only: what {@link #copyAccounts} would do now, account by account (create, unchanged,
   * keep-target, replace, refused with the reason; grants to strip, map or defer). Idempotent by
   * construction.
   */
  AccountsResult planAccounts(AccountsInput in);

  /**
   * Step 5. Creates the accounts in scope that the target lacks, roles before users, with their
   * authentication plugin and stored hash ({@code IDENTIFIED WITH plugin AS 0x...}, never a plain
   * password), attributes (lock, password expiry and policy, resource limits, TLS requirements),
   * grants (global, schema, table, column, routine, proxy), role grants and default roles; not
   * binary-logged where the target allows it. Refused grants are stripped (warnings) or refuse the
   * step ({@code refusedGrants: fail}). An account that exists on the target with another
   * definition is handled by {@code existing}; with {@code refuse}, or any account the target
   * cannot take (its plugin is missing, its hash could not be read), the call fails
   * (non-retryable) before changing anything, naming the accounts. Idempotent: a retry finds its
   * own accounts by the ownership record and brings them to the source's definition; accounts that
   * already match are left alone.
   */
  AccountsResult copyAccounts(AccountsInput in);

  /**
   * Read-only: compares the live source's accounts in scope with the target (what
   * {@link #syncAccounts} would do): created on the source since the copy, changed (password,
   * attributes, grants, roles), dropped. Idempotent by construction.
   */
  AccountsResult diffAccounts(AccountsInput in);

  /**
   * copy-and-sync: applies the differences {@link #diffAccounts} finds, to accounts this migration
   * created (or replaced) and to new ones; accounts the target had before are left alone unless
   * {@code existing: replace}. Accounts the target cannot take are reported as refused (not
   * failed). If the target refuses writes (read-only), nothing is changed: the changes are
   * reported as pending. Idempotent: a second call finds nothing left to do.
   */
  AccountsResult syncAccounts(AccountsInput in);

  /**
   * The undo of step 5: drops exactly the accounts this migration created (by its ownership
   * records, whatever the request says now), and puts back the accounts it replaced (parked
   * originals renamed back, with their own password and grants). Accounts it did not create are
   * never touched. Idempotent (after a crash half-way, a retry finishes it). Returns notes for the
   * status.
   */
  List<String> dropCreatedAccounts(AccountsInput in);

  /**
   * After a completed migration: the accounts belong to the application now. Forgets this
   * migration's ownership records (so nothing of migrator's drops them later) and drops the parked
   * originals of replaced accounts. Idempotent. Returns notes for the status.
   */
  List<String> releaseAccounts(AccountsInput in);
}
