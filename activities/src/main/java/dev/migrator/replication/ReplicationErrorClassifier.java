package dev.migrator.replication;

import static dev.migrator.mysql.MySqlErrors.*;

import dev.migrator.model.ReplicationErrorKind;
import dev.migrator.model.ReplicationStatus;

/**
 * Turns a replica's last IO/SQL error into the handbook's diagnosis ("Troubleshooting Binary Log
 * Replication"). Returns null when neither thread reports an error.
 */
public final class ReplicationErrorClassifier {
  private ReplicationErrorClassifier() {}

  /** Kind and plain-language diagnosis of one replication error. */
  public record Classified(ReplicationErrorKind kind, String diagnosis) {}

  public static Classified classify(ReplicationStatus s) {
    if (s == null || !s.configured) return null;
    if (s.lastIoErrno != 0) return classify(s.lastIoErrno, s.lastIoError, true);
    if (s.lastSqlErrno != 0) return classify(s.lastSqlErrno, s.lastSqlError, false);
    return null;
  }

  static Classified classify(int errno, String message, boolean io) {
    String m = message == null ? "" : message;
    String lower = m.toLowerCase();
    // MySQL 8.0+ reports the source's 1236 as its own 13114 with the 1236 in the message.
    if (errno == ER_SERVER_SOURCE_FATAL_ERROR_READING_BINLOG && lower.contains("fatal error 1236")) {
      errno = ER_MASTER_FATAL_ERROR_READING_BINLOG;
    }
    switch (errno) {
      case ER_MASTER_FATAL_ERROR_READING_BINLOG:
        if (lower.contains("could not find first log file") || lower.contains("purged")) {
          return new Classified(ReplicationErrorKind.LOG_PURGED, "ERROR 1236: the source already purged the binlog the target needs ("
              + m + "). Replication cannot resume: binlog retention was too short. Rebuild the target (redo the copy)"
              + " with longer retention.");
        }
        if (lower.contains("impossible position") || lower.contains("position")) {
          return new Classified(ReplicationErrorKind.IMPOSSIBLE_POSITION, "ERROR 1236: impossible position (" + m + "). The source's binlog"
              + " ended before the recorded position, typically after a source crash; where safe, skip to the next"
              + " binlog file (decision 'next-log').");
        }
        return new Classified(ReplicationErrorKind.IO_FATAL, "ERROR 1236 from the source: " + m);
      case ER_DUP_ENTRY:
        return new Classified(ReplicationErrorKind.DUPLICATE_KEY, "ERROR 1062 duplicate entry (" + m + "): a row already exists on the target,"
            + " so something writes to the target. Skipping the event leaves the target drifted from the source;"
            + " rebuilding is the safe choice.");
      case ER_KEY_NOT_FOUND:
        return new Classified(ReplicationErrorKind.MISSING_ROW, "ERROR 1032 can't find record (" + m + "): the target lacks a row the source"
            + " changed, so something wrote to or deleted on the target. Skipping causes drift; rebuilding is safe.");
      case CR_CONN_HOST_ERROR:
      case CR_UNKNOWN_HOST:
        return new Classified(ReplicationErrorKind.CONNECT, "ERROR " + errno + " connecting to the source (" + m + "): check the source is up,"
            + " the replication host/port, firewalls and security groups. The IO thread keeps retrying.");
      case ER_ACCESS_DENIED:
        return new Classified(ReplicationErrorKind.ACCESS_DENIED, "ERROR 1045 (" + m + "): the source refuses the"
            + " replication account's password (or the host it connects from). Fix the password: set it on the source"
            + " (ALTER USER ... IDENTIFIED BY on the account of replication.user, 'migrator_repl'@'%' by default) to what"
            + " replication.password resolves to, or point replication.password at the account's password; then"
            + " decide retry.");
      default:
        // 1597 (a source command failed: "Access denied; you need ... REPLICATION SLAVE"), 1227, or MySQL's
        // own codes wrapping an access denied: the account exists but lacks its grants.
        if (io && (errno == ER_SLAVE_MASTER_COM_FAILURE || errno == ER_SPECIFIC_ACCESS_DENIED
            || lower.contains("access denied"))) {
          return new Classified(ReplicationErrorKind.ACCESS_DENIED, "ERROR " + errno + " (" + m + "): the replication"
              + " account lacks its privileges on the source. Grant them there (GRANT " + ReplicationAccount.PRIVILEGES
              + " ON *.* TO the account of replication.user, 'migrator_repl'@'%' by default); then decide retry.");
        }
        return new Classified(ReplicationErrorKind.OTHER, (io ? "IO" : "SQL") + " thread error " + errno + ": " + m);
    }
  }
}
