package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 5 in the status: what the copy did, what the comparisons before the approval and in the
 * cutover found and applied (copy-and-sync), and what the undo or the release did. Names and counts
 * only (see {@link AccountsResult}).
 */
public class AccountsStatus {
  /** copy or copy-and-sync. */
  public String mode;
  /** Step 5's copy, before the schema step. */
  public AccountsResult copied;
  /** The second pass right after the schema step: the grants on tables and routines that did not exist before. */
  public AccountsResult deferredGrants;
  /** copy-and-sync: the latest comparison before the approval passed (applied, or pending while the target is read-only). */
  public AccountsResult beforeApproval;
  /** copy-and-sync: the sync in the cutover, target writable, before the traffic switch. */
  public AccountsResult atCutover;
  /** What the rollback's undo or the finish step's release did. */
  public List<String> notes = new ArrayList<>();

  /** What {@code migrator status} shows under "accounts". */
  @JsonIgnore
  public List<String> statusLines() {
    List<String> out = new ArrayList<>();
    section(out, "copied at step 5", copied);
    section(out, "deferred grants given after the schema step", deferredGrants);
    section(out, "compared before the approval", beforeApproval);
    section(out, "synced at the cutover", atCutover);
    notes.forEach(n -> out.add("  " + n));
    return out;
  }

  private static void section(List<String> out, String title, AccountsResult r) {
    if (r == null) return;
    List<String> lines = r.statusLines();
    out.add(title + ": " + (lines.isEmpty() ? "nothing to do" : lines.get(0)));
    for (int i = 1; i < lines.size(); i++) out.add("  " + lines.get(i));
  }
}
