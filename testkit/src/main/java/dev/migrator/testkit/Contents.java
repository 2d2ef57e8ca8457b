package dev.migrator.testkit;

import java.util.List;

/**
 * A schema's contents in one comparable string: every base table with its row count and the
 * server's own CHECKSUM TABLE (independent of migrator's checksums, so tests do not grade
 * migrator with its own ruler).
 */
public final class Contents {
  private Contents() {}

  public static String of(LocalServer db, String schema) {
    StringBuilder b = new StringBuilder();
    List<String> tables = db.queryRows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
        + schema.replace("'", "''") + "' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME");
    for (String t : tables) {
      String q = "`" + schema.replace("`", "``") + "`.`" + t.replace("`", "``") + "`";
      String count = db.query("SELECT COUNT(*) FROM " + q);
      List<String> sum = db.queryRows("CHECKSUM TABLE " + q + " EXTENDED");
      b.append(t).append(" rows=").append(count).append(" checksum=")
          .append(sum.isEmpty() ? "?" : sum.get(0).split("\t")[1]).append('\n');
    }
    return b.toString();
  }
}
