package dev.migrator.preflight;

import java.sql.SQLException;

/**
 * One concern of preflight. A check only reads (SHOW, SELECT, information_schema) and reports
 * through {@link PreflightContext#add}; it never changes anything on a server. A check that cannot
 * run (a query fails) is reported by the runner as a warning instead of aborting the others.
 */
public interface PreflightCheck {
  /** Short name used when the check itself fails ("could not run check ..."). */
  String name();

  void run(PreflightContext ctx) throws SQLException;
}
