package dev.migrator.preflight;

import dev.migrator.model.Finding;

/** The source must write a binary log, in ROW format, for replication to the target. */
public final class BinaryLogCheck implements PreflightCheck {
  @Override
  public String name() {
    return "binary log";
  }

  @Override
  public void run(PreflightContext ctx) {
    Side s = ctx.source;
    if (s == null) return;
    String logBin = s.var("log_bin");
    if (!"ON".equalsIgnoreCase(logBin) && !"1".equals(logBin)) {
      ctx.add("binlog-on", Finding.BLOCKING, "source", s.where() + ": log_bin=" + logBin
              + " (binary logging is off; replication would fail with ERROR 1381 'You are not using binary logging')",
          s.endpoint.isRdsFamily()
              ? "set the instance's backup retention period above 0 (that turns binary logging on for RDS MySQL),"
                  + " for Aurora set binlog_format in the cluster parameter group, then reboot"
              : "add log_bin (e.g. log_bin=mysql-bin) and a server_id to the source's my.cnf and restart it");
      return; // the format is meaningless without a binary log
    }
    String format = s.var("binlog_format");
    if (!"ROW".equalsIgnoreCase(format)) {
      ctx.add("binlog-format", Finding.BLOCKING, "source", s.where() + ": binlog_format=" + format
              + " (replication into the target needs ROW: statement-based events can apply differently there)",
          s.endpoint.isRdsFamily()
              ? "set binlog_format=ROW in the source's (cluster) parameter group; sessions already connected keep"
                  + " the old format until they reconnect"
              : "SET GLOBAL binlog_format='ROW' and set it in my.cnf so that it survives a restart; sessions already"
                  + " connected keep the old format until they reconnect");
    }
  }
}
