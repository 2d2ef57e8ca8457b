package dev.migrator.preflight;

import dev.migrator.model.Finding;
import dev.migrator.mysql.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The largest row must fit in max_allowed_packet on both sides, or copying it fails with ERROR 2020
 * ("Got packet bigger than 'max_allowed_packet'") and replicating it stops the target's I/O thread.
 * A row's size is estimated as the declared maximum of its fixed-size columns plus the measured
 * MAX(LENGTH(...)) of its variable-size ones (BLOB, TEXT, JSON, long VARCHAR/VARBINARY), measured
 * over at most {@link #maxRowsScanned} rows per table and within a total time budget, so that
 * huge tables do not stall preflight (the activity has 5 minutes); tables left unmeasured are named.
 */
public final class RowSizeCheck implements PreflightCheck {
  /** Columns declared longer than this many bytes are measured; shorter ones count at full width. */
  static final long MEASURE_ABOVE = 1024;

  private final long maxRowsScanned;
  private final long budgetMillis;

  public RowSizeCheck() {
    this(1_000_000, 120_000);
  }

  public RowSizeCheck(long maxRowsScanned, long budgetMillis) {
    this.maxRowsScanned = maxRowsScanned;
    this.budgetMillis = budgetMillis;
  }

  @Override
  public String name() {
    return "max_allowed_packet";
  }

  /** One table's columns: declared bytes of the fixed part, and the columns to measure. */
  private static final class TableSize {
    long fixed;
    final List<String> measured = new ArrayList<>();
    long rows;
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    if (ctx.source == null) return;
    Map<String, TableSize> tables = new LinkedHashMap<>();
    for (Map<String, String> row : ctx.source.rows("SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE,"
        + " c.CHARACTER_OCTET_LENGTH, t.TABLE_ROWS FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
        + " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'"
        + " WHERE c.TABLE_SCHEMA IN (" + ctx.schemaPlaceholders() + ") ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME,"
        + " c.ORDINAL_POSITION", ctx.schemaParams())) {
      if (!ctx.wanted(row.get("TABLE_SCHEMA"), row.get("TABLE_NAME"))) continue;
      TableSize t = tables.computeIfAbsent(Sql.table(row.get("TABLE_SCHEMA"), row.get("TABLE_NAME")), k -> new TableSize());
      t.rows = parseLong(row.get("TABLE_ROWS"));
      long octets = parseLong(row.get("CHARACTER_OCTET_LENGTH"));
      String type = String.valueOf(row.get("DATA_TYPE")).toLowerCase(Locale.ROOT);
      if (octets > MEASURE_ABOVE || type.endsWith("blob") || type.endsWith("text") || type.equals("json")
          || type.equals("geometry") || type.contains("point") || type.contains("polygon")
          || type.contains("linestring") || type.contains("collection")) {
        t.measured.add(row.get("COLUMN_NAME"));
      } else {
        t.fixed += octets > 0 ? octets : 8; // numbers and dates are 8 bytes or less (as text: ~20)
        if (octets == 0) t.fixed += 12;
      }
    }
    long largest = 0;
    String largestTable = null;
    boolean sampled = false;
    List<String> unmeasured = new ArrayList<>();
    long deadline = System.currentTimeMillis() + budgetMillis;
    for (Map.Entry<String, TableSize> e : tables.entrySet()) {
      TableSize t = e.getValue();
      long size = t.fixed;
      if (!t.measured.isEmpty()) {
        long left = deadline - System.currentTimeMillis();
        Long measured = left < 1000 ? null : measure(ctx.source, e.getKey(), t.measured, (int) Math.min(60, left / 1000));
        if (measured == null) {
          unmeasured.add(e.getKey());
        } else {
          size += measured;
          if (t.rows > maxRowsScanned) sampled = true;
        }
      }
      if (size > largest) {
        largest = size;
        largestTable = e.getKey();
      }
    }
    if (largestTable == null) return;
    long srcMax = ctx.source.longVar("max_allowed_packet", Long.MAX_VALUE);
    long dstMax = ctx.target == null ? Long.MAX_VALUE : ctx.target.longVar("max_allowed_packet", Long.MAX_VALUE);
    long limit = Math.min(srcMax, dstMax);
    if (largest < limit) {
      if (!unmeasured.isEmpty()) {
        ctx.add("max-allowed-packet", Finding.INFO, "source", ctx.source.where() + ": the largest measured row is about "
                + mib(largest) + " (below max_allowed_packet " + mib(limit) + "); not measured within the time budget: "
                + PreflightContext.list(unmeasured),
            "measure them by hand: SELECT MAX(LENGTH(col1) + LENGTH(col2) ...) FROM the table, and compare with"
                + " max_allowed_packet on both sides");
      }
      return;
    }
    Side tight = dstMax <= srcMax ? ctx.target : ctx.source;
    ctx.add("max-allowed-packet", Finding.BLOCKING, tight.role, tight.where() + ": the largest row, in " + largestTable + ", is about "
            + mib(largest) + (sampled ? " (measured over the first " + maxRowsScanned + " rows of large tables)" : "")
            + "; max_allowed_packet is " + mib(srcMax) + " on the source and "
            + (dstMax == Long.MAX_VALUE ? "unknown" : mib(dstMax)) + " on the target: copying or replicating it would"
            + " fail with ERROR 2020 'Got packet bigger than max_allowed_packet'",
        "raise max_allowed_packet above " + mib(largest * 2) + " (it is at most 1G) on both servers (my.cnf or the"
            + " parameter group; SET GLOBAL applies to new connections) and on replicas (replica_max_allowed_packet /"
            + " slave_max_allowed_packet)");
  }

  /** MAX of the measured columns' summed lengths, or null when the query ran out of time. */
  private Long measure(Side s, String table, List<String> columns, int timeoutSeconds) throws SQLException {
    StringBuilder sum = new StringBuilder();
    for (String c : columns) {
      if (sum.length() > 0) sum.append(" + ");
      sum.append("COALESCE(LENGTH(").append(Sql.id(c)).append("), 0)");
    }
    String sql = "SELECT MAX(x) FROM (SELECT " + sum + " AS x FROM " + table + " LIMIT " + maxRowsScanned + ") m";
    try (Statement st = s.connection.createStatement()) {
      st.setQueryTimeout(timeoutSeconds);
      try (ResultSet rs = st.executeQuery(sql)) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    } catch (SQLTimeoutException e) {
      return null;
    }
  }

  private static long parseLong(String s) {
    if (s == null) return 0;
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static String mib(long bytes) {
    if (bytes >= 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
