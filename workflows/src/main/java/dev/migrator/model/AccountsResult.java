package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of one accounts call (plan, copy, diff, sync): one {@link AccountChange} per account
 * in scope, counts, and remarks for the status. Names and counts only: no password, no hash.
 */
public class AccountsResult {
  /** plan, copy, diff or sync. */
  public String operation;
  /** True when changes were made (copy, sync); false for plan and diff (read-only). */
  public boolean applied;
  public List<AccountChange> changes = new ArrayList<>();
  /** Accounts left out of scope, each "'user'@'host': why" (system, replication, migration account, ...). */
  public List<String> excluded = new ArrayList<>();

  public int created;
  public int updated;
  public int replaced;
  public int dropped;
  public int unchanged;
  public int keptTarget;
  public int refused;
  public int pending;
  /** Grants left out over all accounts (each listed in its change's {@code stripped}). */
  public int strippedGrants;
  /** Grants on objects the target does not have yet (tables, routines), for a later call. */
  public int deferredGrants;
  /** True when the target refused writes (read-only): the changes are {@code pending}. */
  public boolean targetReadOnly;

  /**
   * One line for the status, e.g. "2 accounts changed on the source since the copy: applied" or
   * "created 5 accounts (2 roles), 1 unchanged; 3 grants stripped".
   */
  public String summary;
  /** Remarks: binary-logged statements, deferred grants, ... */
  public List<String> notes = new ArrayList<>();
  /** What an operator should see among the migration's warnings: stripped grants with reasons, refusals. */
  public List<String> warnings = new ArrayList<>();

  /** Accounts whose change is something else than unchanged/keep-target: what a sync reports as "changed". */
  @JsonIgnore
  public int changedCount() {
    return created + updated + replaced + dropped;
  }

  /**
   * What {@code migrator status} shows for this call, one line each: the summary, then per account
   * what was done ("created 'app'@'%'", "created role 'r_read'@'%'", "updated 'app'@'%': password,
   * grant +SELECT ON `shop2`.*"), each stripped grant with its reason, refusals, pending changes.
   */
  @JsonIgnore
  public List<String> statusLines() {
    List<String> out = new ArrayList<>();
    if (summary != null) out.add(summary);
    for (AccountChange c : changes) {
      if (AccountChange.UNCHANGED.equals(c.action)) continue;
      String verb = switch (c.action) {
        case AccountChange.CREATE -> applied ? "created" : "create";
        case AccountChange.UPDATE -> applied ? "updated" : "update";
        case AccountChange.REPLACE -> applied ? "replaced" : "replace";
        case AccountChange.DROP -> applied ? "dropped" : "drop";
        case AccountChange.KEEP_TARGET -> "kept as on the target";
        case AccountChange.REFUSED -> "not copied";
        default -> c.action;
      };
      String line = "  " + verb + " " + (c.role ? "role " : "") + c.account;
      if (!c.details.isEmpty() && !AccountChange.CREATE.equals(c.action)) line += ": " + String.join(", ", c.details);
      if (c.reason != null && !AccountChange.KEEP_TARGET.equals(c.action)) line += " (" + c.reason + ")";
      out.add(line);
      for (String s : c.stripped) out.add("    stripped " + s);
      for (String m : c.mapped) out.add("    mapped " + m);
      for (String d : c.deferred) out.add("    deferred " + d);
    }
    return out;
  }
}
