package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Map;

/**
 * How much the copy writes (data_length + index_length of the migrated tables on the source, an
 * estimate: InnoDB statistics are approximate) against the target's free space where that can be
 * known. Over SQL it cannot: Aurora grows its volume by itself (up to 128 TiB), RDS reports
 * FreeStorageSpace in CloudWatch, a self-managed server's disk is seen with df. When the target
 * runs on the worker's own machine its datadir's free space is read directly.
 */
public final class DataSizeCheck implements PreflightCheck {
  @Override
  public String name() {
    return "data size";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    if (ctx.source == null) return;
    long bytes = 0;
    long tables = 0;
    for (Map<String, String> row : ctx.source.rows("SELECT TABLE_SCHEMA, TABLE_NAME, COALESCE(DATA_LENGTH, 0)"
        + " + COALESCE(INDEX_LENGTH, 0) AS b FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE'"
        + " AND TABLE_SCHEMA IN (" + ctx.schemaPlaceholders() + ")", ctx.schemaParams())) {
      if (!ctx.wanted(row.get("TABLE_SCHEMA"), row.get("TABLE_NAME"))) continue;
      bytes += Long.parseLong(row.get("b"));
      tables++;
    }
    String size = tables + " table(s), about " + RowSizeCheck.mib(bytes) + " of data and indexes on the source"
        + " (information_schema estimate)";
    if (ctx.target == null) {
      ctx.add("data-size", Finding.INFO, "target", size, null);
      return;
    }
    String flavor = ctx.target.endpoint.flavor;
    Long free = localFreeBytes(ctx.target);
    if (free != null && free < bytes * 12 / 10) {
      ctx.add("data-size", Finding.WARNING, "target", size + "; the target's datadir " + ctx.target.var("datadir")
              + " has " + RowSizeCheck.mib(free) + " free",
          "free or add disk space on the target: the copy needs the data size plus room for binary/relay logs"
              + " and temporary files");
      return;
    }
    String where = free != null ? "the target's datadir has " + RowSizeCheck.mib(free) + " free"
        : "aurora-mysql".equals(flavor) ? "Aurora storage grows by itself (up to 128 TiB)"
        : "rds-mysql".equals(flavor) ? "check FreeStorageSpace of the target instance in CloudWatch (or enable storage"
            + " autoscaling)"
        : "free space on the target is not visible over SQL: check its datadir (" + ctx.target.var("datadir")
            + ") with df";
    ctx.add("data-size", Finding.INFO, "target", size + "; " + where, null);
  }

  /** Free bytes of the target's datadir when the target is on this machine, else null. */
  static Long localFreeBytes(Side target) {
    String dir = target.var("datadir");
    if (dir == null || !isLoopback(target.endpoint.host)) return null;
    File f = new File(dir);
    if (!f.isDirectory()) return null;
    return f.getUsableSpace();
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
