package dev.migrator.replication;

import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.Session;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * "Stuck" vs "slow" (handbook, "Replication Appears Stuck"): when neither the executed position
 * nor the lag moves, look at the target's process list and InnoDB transactions for a replicated
 * event that is still running (a big UPDATE, or a statement waiting for a lock) before calling
 * replication stuck.
 */
public final class ProgressInspector {
  private ProgressInspector() {}

  /** What the inspection found: slow (with the event) or stuck. */
  public record Finding(boolean slow, String diagnosis) {}

  public static Finding inspect(Session target, String sqlState, String ioState) throws SQLException {
    Connection dst = target.connection();
    List<Map<String, String>> threads = Jdbc.rows(dst,
        "SELECT ID, TIME, STATE, INFO FROM " + target.dialect().processlist() + " WHERE USER = 'system user'");
    List<Map<String, String>> trx = Jdbc.rows(dst,
        "SELECT trx_mysql_thread_id, trx_state, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS secs,"
            + " trx_rows_modified, trx_rows_locked, trx_query FROM information_schema.INNODB_TRX");
    for (Map<String, String> t : threads) {
      String id = t.get("ID");
      Map<String, String> tx = trx.stream().filter(x -> id.equals(x.get("trx_mysql_thread_id"))).findFirst().orElse(null);
      String info = t.get("INFO");
      if (tx == null && info == null) continue;
      StringBuilder d = new StringBuilder("slow: long-running event on the target: replication thread ").append(id)
          .append(" has been in state '").append(t.get("STATE")).append("' for ").append(t.get("TIME")).append(" s");
      if (info != null) d.append(" running '").append(abbreviate(info)).append('\'');
      if (tx != null) {
        d.append("; its transaction is ").append(tx.get("trx_state")).append(" for ").append(tx.get("secs"))
            .append(" s, ").append(tx.get("trx_rows_modified")).append(" row(s) modified, ")
            .append(tx.get("trx_rows_locked")).append(" locked");
        if ("LOCK WAIT".equalsIgnoreCase(tx.get("trx_state"))) {
          String blockers = blockers(dst, trx, id);
          d.append("; it waits for a lock").append(blockers);
        }
      }
      d.append(". Position and lag move again when the event finishes; this is not an error.");
      return new Finding(true, d.toString());
    }
    return new Finding(false, "stuck: neither the executed position nor the lag moved and no replicated event is"
        + " running on the target (SQL thread: '" + sqlState + "', IO thread: '" + ioState + "'); check the IO"
        + " thread's connection to the source and the target's error log");
  }

  /** Other sessions with open transactions: the likely holders of the lock the replicated event waits for. */
  private static String blockers(Connection dst, List<Map<String, String>> trx, String replicaThread) {
    StringBuilder b = new StringBuilder();
    for (Map<String, String> x : trx) {
      if (replicaThread.equals(x.get("trx_mysql_thread_id"))) continue;
      b.append(b.length() == 0 ? " held by " : ", ").append("thread ").append(x.get("trx_mysql_thread_id"))
          .append(" (transaction open ").append(x.get("secs")).append(" s")
          .append(x.get("trx_query") == null ? "" : ", running '" + abbreviate(x.get("trx_query")) + "'").append(')');
    }
    return b.toString();
  }

  static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() > 120 ? one.substring(0, 117) + "..." : one;
  }
}
