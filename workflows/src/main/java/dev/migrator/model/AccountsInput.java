package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What an {@code AccountsActivities} call needs, and nothing more: endpoints (passwords as
 * references), the options, names. Holds no password and no hash; the activity reads hashes on
 * one side and writes them on the other inside one call.
 */
public class AccountsInput {
  /** The request's migration id (names in messages; ownership records carry the workflow id too). */
  public String migrationId;
  /**
   * Where the accounts are read from by {@code planAccounts} and {@code copyAccounts}: the frozen
   * copy's endpoint (physical-backup, stopped-replica, aurora-snapshot), or the live source
   * (live-consistent, and preflight). Null: {@link #source}.
   */
  public Endpoint readFrom;
  /** The live source: {@code diffAccounts}/{@code syncAccounts} read it; its account is never migrated. */
  public Endpoint source;
  /** The target: accounts are created there; its account is never migrated or changed. */
  public Endpoint target;
  public AccountsOptions options = new AccountsOptions();
  /** The replication account's user name (request's replication.user): never migrated. */
  public String replicationUser;
  /**
   * The target's flavor (mysql, rds-mysql, aurora-mysql), which decides what grants it refuses.
   * Null: {@code target.flavor}.
   */
  public String targetFlavor;

  public AccountsInput() {}

  /** The input for a request: read from the frozen copy when there is one, else from the source. */
  public static AccountsInput of(MigrationRequest r, FrozenCopy frozen) {
    AccountsInput in = new AccountsInput();
    in.migrationId = r.migrationId;
    in.source = r.source;
    in.target = r.target;
    in.readFrom = frozen != null && frozen.endpoint != null ? frozen.endpoint : r.source;
    in.options = r.accounts == null ? new AccountsOptions() : r.accounts;
    in.replicationUser = r.replication == null ? null : r.replication.user;
    in.targetFlavor = r.target == null ? null : r.target.flavor;
    return in;
  }

  @JsonIgnore
  public Endpoint readFromOrSource() {
    return readFrom != null ? readFrom : source;
  }

  @JsonIgnore
  public String targetFlavorOrEndpoint() {
    if (targetFlavor != null && !targetFlavor.isBlank()) return targetFlavor;
    return target == null ? "mysql" : target.flavor;
  }
}
