package dev.migrator.preflight;

import dev.migrator.model.Finding;
import dev.migrator.mysql.ServerInfo;

/**
 * Reports both versions and whether the target can replicate from the source: replication works
 * from an older or equal release series to a newer one, not backwards (events and DDL of a newer
 * server may mean nothing to an older one). MariaDB and MySQL mixed: a warning, it works only for
 * a subset of features (no GTID auto-position, different defaults and SQL), and MariaDB → MySQL
 * not at all for ROW events (blocking).
 */
public final class VersionCheck implements PreflightCheck {
  @Override
  public String name() {
    return "versions";
  }

  @Override
  public void run(PreflightContext ctx) {
    for (Side s : new Side[] {ctx.source, ctx.target}) {
      if (s == null) continue;
      String extra = s.hasVar("aurora_version") ? " (Aurora " + s.var("aurora_version") + ")" : "";
      ctx.add("version", Finding.INFO, s.role, s.where() + ": " + (s.info.mariadb() ? "MariaDB " : "MySQL ")
          + s.info.version() + extra, null);
    }
    if (ctx.source == null || ctx.target == null) return;
    Finding f = compatibility(ctx.source.info, ctx.target.info);
    if (f != null) ctx.report.add(f);
  }

  /** The finding for a version pair, or null when replication source -> target is supported. */
  public static Finding compatibility(ServerInfo source, ServerInfo target) {
    String s = name(source);
    String t = name(target);
    if (source.mariadb() && !target.mariadb()) {
      return new Finding("version-compatible", Finding.BLOCKING, "replication", "source is " + s + ", target is " + t
          + ": MySQL cannot replicate from MariaDB with binlog_format=ROW: MariaDB writes version-1 row events"
          + " that MySQL's applier cannot parse (the replica stops with 'Unsupported non-ignorable event fed into"
          + " the event stream'), so the catch-up step could never work",
          "migrate MariaDB to MySQL/Aurora with a logical dump and a write freeze (no replication), or through an"
              + " intermediate MySQL-compatible path; this check stops the migration before anything is changed");
    }
    if (source.mariadb() != target.mariadb()) {
      return new Finding("version-compatible", Finding.WARNING, "replication", "source is " + s + ", target is " + t
          + ": replication between MariaDB and MySQL works only for common features",
          "rehearse the migration (rehearsal=true) and check the application against the target; avoid"
              + " engine-specific features (MariaDB sequences, system-versioned tables, MySQL-only JSON functions)"
              + " and expect no GTID auto-position");
    }
    boolean older = target.major() < source.major()
        || (target.major() == source.major() && target.minor() < source.minor());
    if (older) {
      return new Finding("version-compatible", Finding.BLOCKING, "replication", "target " + t + " is older than source "
          + s + ": replication only goes from a release series to the same or a newer one",
          "use a target of version " + source.major() + "." + source.minor() + " or newer");
    }
    return null;
  }

  private static String name(ServerInfo i) {
    return (i.mariadb() ? "MariaDB " : "MySQL ") + i.major() + "." + i.minor() + "." + i.patch();
  }
}
