package dev.migrator.adapters;

import dev.migrator.accounts.AccountsPlanner;
import dev.migrator.accounts.AccountsUnreadable;
import dev.migrator.accounts.GrantParser;
import dev.migrator.accounts.ServerProfile;
import dev.migrator.activities.AccountsActivities;
import dev.migrator.guard.SchemaOwnership;
import dev.migrator.model.AccountsInput;
import dev.migrator.model.AccountsOptions;
import dev.migrator.model.AccountsResult;
import dev.migrator.model.Endpoint;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.MySqlErrors;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Step 5 as activities: a thin adapter that opens the connections and runs {@link AccountsPlanner}.
 * Hashes stay inside each call; failures name accounts and endpoints only.
 */
public class AccountsActivitiesImpl implements AccountsActivities {
  private final Connector connector;

  public AccountsActivitiesImpl(Connector connector) {
    this.connector = connector;
  }

  @Override
  public AccountsResult planAccounts(AccountsInput in) {
    return run(in, in.readFromOrSource(), "plan", false);
  }

  @Override
  public AccountsResult copyAccounts(AccountsInput in) {
    return run(in, in.readFromOrSource(), "copy", true);
  }

  @Override
  public AccountsResult diffAccounts(AccountsInput in) {
    return run(in, in.source, "diff", false);
  }

  @Override
  public AccountsResult syncAccounts(AccountsInput in) {
    return run(in, in.source, "sync", true);
  }

  @Override
  public List<String> dropCreatedAccounts(AccountsInput in) {
    try (Connection dst = connector.open("target", in.target)) {
      return targetPlanner(in, dst).dropCreated();
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", in.target, e);
    }
  }

  @Override
  public List<String> releaseAccounts(AccountsInput in) {
    try (Connection dst = connector.open("target", in.target)) {
      return targetPlanner(in, dst).release();
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", in.target, e);
    }
  }

  private AccountsResult run(AccountsInput in, Endpoint from, String operation, boolean apply) {
    if (in.options == null || !in.options.enabled()) {
      AccountsResult r = new AccountsResult();
      r.operation = operation;
      r.summary = "accounts not requested (accounts.mode none)";
      return r;
    }
    String role = from == in.source || from == null ? "source" : "frozen copy";
    try (Connection src = connector.open(role, from); Connection dst = connector.open("target", in.target)) {
      return planner(in, role, from, src, dst).run(operation, apply);
    } catch (AccountsPlanner.ReadSideFailure e) {
      throw MySqlErrors.failure(role, from, e.sql);
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", in.target, e);
    } catch (AccountsUnreadable e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "AccountsUnreadable");
    } catch (GrantParser.UnparsableGrant e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "AccountsUnreadable");
    }
  }

  private AccountsPlanner planner(AccountsInput in, String role, Endpoint from, Connection src, Connection dst)
      throws SQLException {
    AccountsPlanner.Context ctx = new AccountsPlanner.Context();
    ctx.read = src;
    ctx.readProfile = ServerProfile.read(role, from.address(), src, from.flavor);
    ctx.target = dst;
    ctx.targetProfile = ServerProfile.read("target", in.target.address(), dst, in.targetFlavorOrEndpoint());
    ctx.options = in.options == null ? new AccountsOptions() : in.options;
    ctx.replicationUser = in.replicationUser;
    for (Endpoint e : new Endpoint[] {in.source, in.target, from}) if (e != null && e.user != null) ctx.migrationUsers.add(e.user);
    ctx.owner = SchemaOwnership.Owner.of(in.migrationId);
    return new AccountsPlanner(ctx);
  }

  /** Undo and release need the target only (ownership records, whatever the request says now). */
  private AccountsPlanner targetPlanner(AccountsInput in, Connection dst) throws SQLException {
    AccountsPlanner.Context ctx = new AccountsPlanner.Context();
    ctx.target = dst;
    ctx.targetProfile = ServerProfile.read("target", in.target.address(), dst, in.targetFlavorOrEndpoint());
    ctx.owner = SchemaOwnership.Owner.of(in.migrationId);
    return new AccountsPlanner(ctx);
  }
}
