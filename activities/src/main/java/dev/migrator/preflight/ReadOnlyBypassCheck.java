package dev.migrator.preflight;

import dev.migrator.guard.ReadOnlyBypass;
import dev.migrator.model.Finding;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who can write to the source through read_only at the cutover: their writes after the final
 * position would exist only on the old source. MySQL with a migration account that may set
 * super_read_only stops everyone; otherwise (MariaDB's READ_ONLY ADMIN, MySQL's SUPER and
 * CONNECTION_ADMIN) the cutover holds a global read lock while it drains and switches, and
 * refuses to go on if the source moved. Lists those accounts and the sessions connected now.
 */
public final class ReadOnlyBypassCheck implements PreflightCheck {
  @Override
  public String name() {
    return "writers past read-only";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    Side s = ctx.source;
    if (s == null || s.endpoint.readOnlyHook != null || s.endpoint.isRdsFamily()) return;
    Grants g = s.grants();
    boolean superReadOnly = s.hasVar("super_read_only")
        && (g.hasGlobal("SUPER") || g.hasGlobal("SYSTEM_VARIABLES_ADMIN"));
    if (superReadOnly) {
      ctx.add("read-only-bypass", Finding.INFO, "source", s.where() + ": the cutover sets super_read_only: no account"
          + " can write through it", null);
      return;
    }
    Set<String> accounts = ReadOnlyBypass.accounts(s.connection, s.dialect);
    if (accounts.isEmpty()) return;
    List<String> sessions = new ArrayList<>();
    for (ReadOnlyBypass.Session x : ReadOnlyBypass.sessions(s.connection, s.dialect, accounts, List.of())) sessions.add(x.describe());
    String privileges = String.join("/", ReadOnlyBypass.privileges(s.dialect));
    boolean lock = !"none".equals(ctx.request.cutover.sourceWriteLock) && g.hasGlobal("RELOAD");
    // Covered when the cutover can hold the lock and none of them is connected now; a warning otherwise.
    String severity = lock && sessions.isEmpty() ? Finding.INFO : Finding.WARNING;
    ctx.add("read-only-bypass", severity, "source", s.where() + ": these accounts can write through read_only ("
            + privileges + "): " + PreflightContext.list(new ArrayList<>(accounts))
            + (sessions.isEmpty() ? "; none is connected now" : "; connected now: " + PreflightContext.list(sessions))
            + (s.hasVar("super_read_only") ? "; the migration account may not set super_read_only" : "")
            + (lock ? "; the cutover holds a global read lock from the drain until traffic is switched"
                : "; the cutover cannot hold a global read lock (" + (g.hasGlobal("RELOAD")
                    ? "cutover.sourceWriteLock is none" : "the migration account lacks RELOAD") + ")"),
        "writes they make after the cutover's final position would be lost, so the cutover stops if the source"
            + " moves and names them; revoke " + privileges + " from application accounts (REVOKE "
            + ReadOnlyBypass.privileges(s.dialect).get(ReadOnlyBypass.privileges(s.dialect).size() - 1)
            + " ON *.* FROM ...), or stop their sessions before the cutover"
            + (s.hasVar("super_read_only") ? "; or grant the migration account SYSTEM_VARIABLES_ADMIN so it sets"
                + " super_read_only" : ""));
  }
}
