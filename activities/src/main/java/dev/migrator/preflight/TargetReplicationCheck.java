package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The target must be free to become a replica of the source: the replication step resets any
 * replication already configured there (RESET SLAVE ALL), so an existing channel blocks. On
 * aurora-mysql targets the replication parameters are read when the server has them (Aurora MySQL
 * version 2 has aurora_enable_repl_bin_log_filtering; version 3 always filters):
 * aurora_enable_repl_bin_log_filtering off makes the writer ship binlog data its Aurora Replicas do
 * not use, which AWS recommends only while troubleshooting; parallel apply without preserved
 * commit order lets the target expose commits out of the source's order.
 */
public final class TargetReplicationCheck implements PreflightCheck {
  @Override
  public String name() {
    return "target replication";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    Side t = ctx.target;
    if (t == null) return;
    List<Map<String, String>> status;
    try {
      status = t.rows(t.dialect.replicaStatus());
    } catch (SQLException e) {
      status = List.of(); // no privilege to look: the privilege check reports that
    }
    if (!status.isEmpty()) {
      Map<String, String> s = status.get(0);
      String host = first(s, "Source_Host", "Master_Host");
      String port = first(s, "Source_Port", "Master_Port");
      String io = first(s, "Replica_IO_Running", "Slave_IO_Running");
      ctx.add("target-already-replica", Finding.BLOCKING, "target", t.where() + " already replicates from " + host + ":"
              + port + " (I/O thread running: " + io + ")",
          "the replication step would replace that configuration: stop and reset it on the target first"
              + " (" + resetHint(t) + ") if it is no longer needed, or use another target");
    }
    if (t.isAurora()) {
      List<String> problems = auroraProblems(t);
      if (!problems.isEmpty()) {
        ctx.add("aurora-replication-parameters", Finding.WARNING, "target", t.where() + ": " + String.join("; ", problems),
            "change them in the target cluster's parameter group and reboot the writer before the migration");
      }
    }
  }

  /** Problems with an Aurora target's replication parameters; only variables the server has are judged. */
  static List<String> auroraProblems(Side t) {
    List<String> out = new ArrayList<>();
    String filtering = t.var("aurora_enable_repl_bin_log_filtering");
    if (filtering != null && !("ON".equalsIgnoreCase(filtering) || "1".equals(filtering))) {
      out.add("aurora_enable_repl_bin_log_filtering=" + filtering + " (the writer sends binlog data its Aurora Replicas"
          + " do not use: more network traffic inside the cluster while the target replicates; it is meant to be off"
          + " only while troubleshooting)");
    }
    String workers = t.var("replica_parallel_workers") != null ? t.var("replica_parallel_workers")
        : t.var("slave_parallel_workers");
    String order = t.var("replica_preserve_commit_order") != null ? t.var("replica_preserve_commit_order")
        : t.var("slave_preserve_commit_order");
    if (workers != null && !"0".equals(workers) && order != null && !"ON".equalsIgnoreCase(order)) {
      out.add("replica_parallel_workers=" + workers + " without replica_preserve_commit_order=ON (commits could land"
          + " out of order on the target)");
    }
    return out;
  }

  private static String first(Map<String, String> row, String... keys) {
    for (String k : keys) if (row.containsKey(k)) return row.get(k);
    return "?";
  }

  /** The dialect's reset statements, as an operator would type them. */
  static String resetHint(Side t) {
    try {
      return t.dialect.resetReplica().stream().map(Object::toString).collect(java.util.stream.Collectors.joining("; "));
    } catch (UnsupportedOperationException e) {
      return e.getMessage();
    }
  }
}
