package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.util.ArrayList;
import java.util.List;

/**
 * When the request asks for GTID auto-position (replication.gtidAutoPosition), both sides must
 * speak the same GTIDs: MySQL needs gtid_mode=ON and enforce_gtid_consistency=ON on source and
 * target; MariaDB's GTIDs (domain-server-sequence) are not MySQL's, so a mix cannot auto-position.
 */
public final class GtidCheck implements PreflightCheck {
  @Override
  public String name() {
    return "gtid";
  }

  @Override
  public void run(PreflightContext ctx) {
    if (ctx.request.replication == null || !ctx.request.replication.gtidAutoPosition) return;
    if (ctx.source == null || ctx.target == null) return;
    List<String> problems = problems(ctx.source, ctx.target);
    if (!problems.isEmpty()) {
      ctx.add("gtid-consistency", Finding.BLOCKING, "replication", String.join("; ", problems),
          "turn GTIDs on step by step on both sides (enforce_gtid_consistency=WARN, =ON, gtid_mode=OFF_PERMISSIVE,"
              + " ON_PERMISSIVE, ON; on RDS/Aurora in the parameter groups) or set replication.gtidAutoPosition=false"
              + " to replicate from the binlog file and position");
    }
  }

  static List<String> problems(Side source, Side target) {
    List<String> out = new ArrayList<>();
    if (source.info.mariadb() != target.info.mariadb()) {
      out.add("source is " + flavor(source) + " and target is " + flavor(target)
          + ": MariaDB and MySQL GTIDs are incompatible, auto-position cannot work between them");
      return out;
    }
    if (source.info.mariadb()) return out; // MariaDB always has GTIDs (MASTER_USE_GTID=slave_pos)
    for (Side s : new Side[] {source, target}) {
      if (!"ON".equalsIgnoreCase(s.var("gtid_mode"))) out.add(s.where() + ": gtid_mode=" + s.var("gtid_mode"));
      if (!"ON".equalsIgnoreCase(s.var("enforce_gtid_consistency"))) {
        out.add(s.where() + ": enforce_gtid_consistency=" + s.var("enforce_gtid_consistency"));
      }
    }
    return out;
  }

  private static String flavor(Side s) {
    return (s.info.mariadb() ? "MariaDB " : "MySQL ") + s.info.version();
  }
}
