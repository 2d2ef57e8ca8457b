package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.sql.SQLException;

/**
 * The target must accept writes from the migration's account. innodb_read_only=ON (an Aurora
 * reader instance, or the cluster's reader endpoint) refuses everyone; read_only=ON refuses
 * accounts without SUPER (MariaDB: READ_ONLY ADMIN; MySQL 8: CONNECTION_ADMIN), with ERROR 1290
 * at the first CREATE.
 */
public final class TargetWritableCheck implements PreflightCheck {
  @Override
  public String name() {
    return "target writable";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    Side t = ctx.target;
    if (t == null) return;
    if (on(t.var("innodb_read_only"))) {
      ctx.add("target-read-only", Finding.BLOCKING, "target", t.where() + ": innodb_read_only=ON: nothing can be"
              + " written (an Aurora reader instance or the reader endpoint?)",
          "point the target at the writer: the Aurora cluster endpoint (not the '-ro-' reader endpoint) or the"
              + " writer instance");
      return;
    }
    if (!on(t.var("read_only")) && !on(t.var("super_read_only"))) return;
    Grants g = t.grants();
    boolean bypass = !on(t.var("super_read_only"))
        && (g.hasGlobal("SUPER") || g.hasGlobal("READ ONLY ADMIN") || g.hasGlobal("CONNECTION ADMIN"));
    ctx.add("target-read-only", bypass ? Finding.WARNING : Finding.BLOCKING, "target", t.where() + ": read_only=ON"
            + (on(t.var("super_read_only")) ? ", super_read_only=ON" : "")
            + (bypass ? " (this account may still write)" : ": the copy would fail with ERROR 1290"),
        "a target being loaded is normally writable: SET GLOBAL read_only=OFF (and in my.cnf / the parameter group)"
            + " if nothing else relies on it" + (bypass ? "; otherwise the migration writes through its privilege" : ""));
  }

  private static boolean on(String v) {
    return v != null && ("ON".equalsIgnoreCase(v) || "1".equals(v));
  }
}
