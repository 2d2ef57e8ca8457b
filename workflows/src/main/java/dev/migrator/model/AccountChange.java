package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What the accounts step did (or, in a plan or diff, would do) to one account: names and counts
 * only, never a password or a hash ("password changed" says that it changed, not to what).
 */
public class AccountChange {
  public static final String CREATE = "create";
  public static final String UPDATE = "update";
  public static final String REPLACE = "replace";
  public static final String DROP = "drop";
  public static final String UNCHANGED = "unchanged";
  public static final String KEEP_TARGET = "keep-target";
  public static final String REFUSED = "refused";
  public static final String PENDING = "pending";

  /** 'user'@'host' (a MariaDB role: 'name'). */
  public String account;
  public boolean role;
  /**
   * create, update (an account this migration created, changed on the source since), replace
   * (the target's own was parked, the source's created), drop (this migration's account, gone from
   * the source), unchanged, keep-target (differs, left as the target has it: policy), refused (not
   * done: {@link #reason}), pending (sync: the target refused writes, read-only until the cutover).
   */
  public String action;
  /** What differs or what was set, by name: "password", "locked", "grants +SELECT ON `shop`.*", ... */
  public List<String> details = new ArrayList<>();
  /** Grants left out, each "PRIVILEGE ON scope: reason". */
  public List<String> stripped = new ArrayList<>();
  /** Privileges the target spells or splits differently, each "SOURCE -> TARGET". */
  public List<String> mapped = new ArrayList<>();
  /** Grants on tables or routines that do not exist on the target yet, left for a later call. */
  public List<String> deferred = new ArrayList<>();
  /** Why refused, kept or pending. */
  public String reason;

  public AccountChange() {}

  public AccountChange(String account, boolean role, String action) {
    this.account = account;
    this.role = role;
    this.action = action;
  }

  @Override
  public String toString() {
    return action + " " + account + (details.isEmpty() ? "" : " " + details) + (reason == null ? "" : ": " + reason);
  }
}
