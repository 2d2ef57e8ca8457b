package dev.migrator.preflight;

import dev.migrator.accounts.AccountsPlanner;
import dev.migrator.accounts.AccountsUnreadable;
import dev.migrator.accounts.GrantParser;
import dev.migrator.accounts.ServerProfile;
import dev.migrator.guard.SchemaOwnership;
import dev.migrator.model.AccountChange;
import dev.migrator.model.AccountsOptions;
import dev.migrator.model.AccountsResult;
import dev.migrator.model.Finding;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 5 (accounts.mode copy or copy-and-sync), read-only: the accounts step's own plan against the
 * live source and the target. Findings: accounts whose plugin the target lacks (blocking, with the
 * choices), accounts that exist on the target with another definition (blocking under
 * existing: refuse, never skippable: the step would refuse too), hashes or grants that cannot be read
 * (blocking, saying exactly what), grants the target refuses (warning listing each with its reason;
 * blocking with refusedGrants: fail), the privileges the step needs on the target, and the plan
 * itself (info).
 */
public final class AccountsCheck implements PreflightCheck {
  @Override
  public String name() {
    return "accounts";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    AccountsOptions o = ctx.request.accounts;
    if (o == null || !o.enabled() || ctx.source == null || ctx.target == null) return;
    AccountsPlanner.Context pc = new AccountsPlanner.Context();
    pc.read = ctx.source.connection;
    pc.target = ctx.target.connection;
    pc.options = o;
    pc.replicationUser = ctx.request.replication == null ? null : ctx.request.replication.user;
    pc.migrationUsers.add(ctx.source.endpoint.user);
    pc.migrationUsers.add(ctx.target.endpoint.user);
    pc.owner = SchemaOwnership.Owner.of(ctx.request.migrationId);
    AccountsResult plan;
    try {
      pc.readProfile = ServerProfile.read("source", ctx.source.endpoint.address(), pc.read, ctx.source.endpoint.flavor);
      pc.targetProfile = ServerProfile.read("target", ctx.target.endpoint.address(), pc.target, ctx.target.endpoint.flavor);
      targetPrivileges(ctx, pc.targetProfile);
      plan = new AccountsPlanner(pc).run("plan", false);
    } catch (AccountsUnreadable | GrantParser.UnparsableGrant e) {
      ctx.add("accounts-unreadable", Finding.BLOCKING, e.getMessage().startsWith("target") ? "target" : "source",
          e.getMessage(), "the accounts step reads every account in scope with its hash and grants; grant the"
              + " migration account SELECT on the mysql schema (MySQL: mysql.user, mysql.role_edges,"
              + " mysql.default_roles and SHOW GRANTS FOR; MariaDB: mysql.global_priv), or set accounts.mode none");
      return;
    }
    List<String> plugin = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    List<String> other = new ArrayList<>();
    List<String> stripped = new ArrayList<>();
    List<String> mapped = new ArrayList<>();
    for (AccountChange c : plan.changes) {
      for (String s : c.stripped) stripped.add(c.account + ": " + s);
      for (String m : c.mapped) mapped.add(c.account + ": " + m);
      if (!AccountChange.REFUSED.equals(c.action)) continue;
      String line = c.account + ": " + c.reason;
      if (c.reason.contains("authentication plugin")) plugin.add(line);
      else if (c.reason.contains("already exists on the target")) existing.add(line);
      else other.add(line);
    }
    if (!plugin.isEmpty()) {
      ctx.add("accounts-plugin-missing", Finding.BLOCKING, "target", ctx.target.where() + ": " + plugin.size()
          + " account(s) use an authentication plugin the target does not have: " + PreflightContext.list(plugin),
          "a stored hash only works with its plugin: exclude these accounts (accounts.exclude) and create them on the"
              + " target with a new password out of band (accounts.existing: keep-target then keeps them), or give them"
              + " a new password with a plugin the target has on the source before the migration");
    }
    if (!existing.isEmpty()) {
      ctx.report.add(new Finding("accounts-exist-different", Finding.BLOCKING, "target", ctx.target.where() + ": "
          + existing.size() + " account(s) exist on the target with another definition and were not created by this"
          + " migration: " + PreflightContext.list(existing), "migrator never changes an account it did not create"
              + " unless the request says so: accounts.existing keep-target (leave them) or replace (park the target's,"
              + " create the source's; a rollback puts them back), or exclude them").protectingData());
    }
    if (!other.isEmpty()) {
      ctx.add("accounts-refused", Finding.BLOCKING, "target", ctx.target.where() + ": " + other.size()
          + " account(s) cannot be copied: " + PreflightContext.list(other), "see each reason; or exclude them");
    }
    if (!stripped.isEmpty()) {
      ctx.add("accounts-grants-stripped", "fail".equals(o.refusedGrants) ? Finding.BLOCKING : Finding.WARNING, "target",
          ctx.target.where() + ": " + stripped.size() + " grant(s) the target cannot give will be left out: "
              + PreflightContext.list(stripped), "fail".equals(o.refusedGrants)
              ? "accounts.refusedGrants is fail: remove these grants on the source, or set it to strip"
              : "check that the applications do not need them; they are listed in the migration's warnings");
    }
    if (!mapped.isEmpty()) {
      ctx.add("accounts-mapped", Finding.INFO, "target", ctx.target.where() + ": " + PreflightContext.list(mapped), null);
    }
    ctx.add("accounts-plan", Finding.INFO, "target", ctx.target.where() + ": " + plan.summary
        + (plan.excluded.isEmpty() ? "" : "; left out: " + PreflightContext.list(plan.excluded)), null);
  }

  /** CREATE USER on *.* (and to grant: what each account gets, with GRANT OPTION: checked per grant by the plan). */
  private static void targetPrivileges(PreflightContext ctx, ServerProfile target) {
    if (!target.canGrant("CREATE USER", dev.migrator.accounts.GrantSet.Scope.GLOBAL)
        && target.own.atoms.stream().noneMatch(a -> a.key().equals("CREATE USER") || a.key().equals("ALL PRIVILEGES"))) {
      ctx.add("accounts-target-privileges", Finding.BLOCKING, "target", ctx.target.where() + ": the migration account "
          + target.currentUser.display() + " lacks CREATE USER on *.*", "GRANT CREATE USER ON *.* TO "
              + target.currentUser.display() + " (and the privileges the accounts get, WITH GRANT OPTION; SELECT on"
              + " the mysql schema to read the target's accounts)");
    }
  }
}
