package dev.migrator.mysql;

import dev.migrator.model.Endpoint;
import io.temporal.failure.ApplicationFailure;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * Turns client errors into the plain advice of the handbook's troubleshooting section, naming the
 * endpoint and never a password. Permanent errors become non-retryable failures.
 */
public final class MySqlErrors {
  private MySqlErrors() {}

  // Server error numbers (MySQL and MariaDB share them) and client ones, by their manual names.
  public static final int ER_DB_CREATE_EXISTS = 1007;
  public static final int ER_KEY_NOT_FOUND = 1032; // "Can't find record"
  public static final int ER_DBACCESS_DENIED = 1044;
  public static final int ER_ACCESS_DENIED = 1045;
  public static final int ER_BAD_DB = 1049;
  public static final int ER_DUP_ENTRY = 1062;
  public static final int ER_PARSE_ERROR = 1064;
  public static final int ER_NO_SUCH_THREAD = 1094;
  public static final int ER_TABLEACCESS_DENIED = 1142;
  public static final int ER_NO_SUCH_TABLE = 1146;
  public static final int ER_UNKNOWN_SYSTEM_VARIABLE = 1193;
  public static final int ER_LOCK_WAIT_TIMEOUT = 1205;
  public static final int ER_LOCK_DEADLOCK = 1213;
  public static final int ER_SPECIFIC_ACCESS_DENIED = 1227;
  /** A replica's command to its source failed (COM_REGISTER_SLAVE, COM_BINLOG_DUMP: "Access denied; you need ..."). */
  public static final int ER_SLAVE_MASTER_COM_FAILURE = 1597;
  public static final int ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236;
  public static final int ER_OPTION_PREVENTS_STATEMENT = 1290; // --read-only and friends
  public static final int ER_SP_DOES_NOT_EXIST = 1305; // also a removed function such as MD5 on 9.7
  public static final int ER_SP_WRONG_NO_OF_ARGS = 1318;
  public static final int ER_NO_BINARY_LOGGING = 1381;
  public static final int ER_EVENTS_DB_ERROR = 1577; // event_scheduler=DISABLED
  public static final int ER_SIGNAL_EXCEPTION = 1644; // SIGNAL from a procedure (rds_skip_repl_error with GTIDs)
  public static final int ER_AUTO_POSITION_REQUIRES_GTID_MODE_NOT_OFF = 1777;
  public static final int ER_READ_ONLY_MODE = 1836; // super_read_only
  public static final int ER_SQL_REPLICA_SKIP_COUNTER_NOT_SETTABLE_IN_GTID_MODE = 1858;
  public static final int ER_SECURE_TRANSPORT_REQUIRED = 3159;
  /** MySQL 8.0+'s receiver error that wraps the source's 1236 ("Got fatal error 1236 from source ..."). */
  public static final int ER_SERVER_SOURCE_FATAL_ERROR_READING_BINLOG = 13114;
  /** The receiver refuses: the source has GTID_MODE = ON and this server OFF. */
  public static final int ER_REPLICA_GTID_MODE_MISMATCH = 13117;
  public static final int CR_CONN_HOST_ERROR = 2003;
  public static final int CR_UNKNOWN_HOST = 2005;
  public static final int CR_SERVER_LOST = 2013;
  public static final int CR_NET_PACKET_TOO_LARGE = 2020;

  /** The table or its schema does not exist (yet). */
  public static boolean isMissingTable(SQLException e) {
    return e.getErrorCode() == ER_NO_SUCH_TABLE || e.getErrorCode() == ER_BAD_DB;
  }

  /** The account lacks a privilege for the statement. */
  public static boolean isPrivilegeError(SQLException e) {
    int c = e.getErrorCode();
    return c == ER_SPECIFIC_ACCESS_DENIED || c == ER_DBACCESS_DENIED || c == ER_TABLEACCESS_DENIED;
  }

  /** The classification of one error. */
  public record Diagnosis(String kind, int code, String message, boolean retryable) {}

  public static Diagnosis diagnose(String role, Endpoint e, SQLException ex) {
    String where = role + " " + (e == null ? "" : e.address());
    if (ex instanceof TlsSetupException t) {
      // Its message names the endpoint already; the settings must change: not worth retrying.
      return new Diagnosis("tls", 2026, t.getMessage() + ": " + t.advice(), false);
    }
    Throwable root = rootCause(ex);
    int code = ex.getErrorCode();
    if (root instanceof UnknownHostException) {
      return new Diagnosis("unknown-host", CR_UNKNOWN_HOST, where + ": unknown host '" + e.host
          + "' (ERROR 2005): the name does not resolve; check the endpoint's spelling and DNS from the worker", false);
    }
    if (root instanceof ConnectException || code == CR_CONN_HOST_ERROR) {
      return new Diagnosis("connect", CR_CONN_HOST_ERROR, where + ": cannot connect (ERROR 2003): the server is down, the port is"
          + " wrong, or a firewall/security group blocks the worker; for RDS/Aurora check the security group's"
          + " inbound rule for port " + (e == null ? "" : e.port) + " and public accessibility", true);
    }
    if (root instanceof SocketTimeoutException) {
      return new Diagnosis("timeout", CR_SERVER_LOST, where + ": the connection timed out: a firewall or security group"
          + " probably drops packets to port " + (e == null ? "" : e.port), true);
    }
    switch (code) {
      case ER_ACCESS_DENIED:
        boolean noPw = String.valueOf(ex.getMessage()).contains("using password: NO");
        return new Diagnosis("access-denied", ER_ACCESS_DENIED, where + ": access denied for user '" + (e == null ? "" : e.user)
            + "' (ERROR 1045): " + (noPw
                ? "no password was sent; set the endpoint's password reference"
                : "wrong password or the account may not connect from the worker's host; check the password"
                    + " reference and the account's host part"
                    + (e != null && e.effectiveTls().hasClientCertificate() ? ""
                        : " (an account created REQUIRE X509/SUBJECT/ISSUER also refuses a connection without a"
                            + " client certificate: set " + role + ".tls.certFile and .keyFile)")), false);
      case ER_DBACCESS_DENIED:
      case ER_TABLEACCESS_DENIED:
      case ER_SPECIFIC_ACCESS_DENIED:
        return new Diagnosis("privilege", code, where + ": " + safe(ex) + " (ERROR " + code
            + "): the account lacks a privilege this step needs; docs/preflight.md lists the account requirements per step", false);
      case ER_BAD_DB:
        return new Diagnosis("unknown-database", ER_BAD_DB, where + ": " + safe(ex)
            + " (ERROR 1049): check the schema name and lower_case_table_names on both sides", false);
      case ER_NO_SUCH_TABLE:
        return new Diagnosis("unknown-table", ER_NO_SUCH_TABLE, where + ": " + safe(ex)
            + " (ERROR 1146): check the table name and lower_case_table_names on both sides", false);
      case ER_NO_BINARY_LOGGING:
        return new Diagnosis("binlog-off", ER_NO_BINARY_LOGGING, where + ": binary logging is off (ERROR 1381): enable log_bin"
            + " (RDS: set backup retention above 0) and restart", false);
      case ER_OPTION_PREVENTS_STATEMENT:
      case ER_READ_ONLY_MODE:
        return new Diagnosis("read-only", code, where + ": the server is read-only (ERROR " + code + ")", false);
      case CR_NET_PACKET_TOO_LARGE:
        return new Diagnosis("packet", CR_NET_PACKET_TOO_LARGE, where + ": a row is larger than max_allowed_packet (ERROR 2020):"
            + " raise max_allowed_packet on both sides", false);
      case ER_SECURE_TRANSPORT_REQUIRED:
        return new Diagnosis("tls-required", code, where + ": the server requires TLS (require_secure_transport=ON,"
            + " ERROR 3159): give the endpoint a tlsCaFile (RDS/Aurora: the region's CA bundle)", false);
      default:
        if (ex.getSQLState() != null && ex.getSQLState().startsWith("08")) {
          return new Diagnosis("connect", code, where + ": connection problem: " + safe(ex), true);
        }
        return new Diagnosis("sql", code, where + ": " + safe(ex) + (code > 0 ? " (ERROR " + code + ")" : ""), true);
    }
  }

  /** The Temporal failure an activity throws for this error. */
  public static ApplicationFailure failure(String role, Endpoint e, SQLException ex) {
    Diagnosis d = diagnose(role, e, ex);
    String type = switch (d.kind()) {
      case "access-denied", "privilege" -> "AccessDenied";
      case "unknown-host", "unknown-database", "unknown-table" -> "NotFound";
      case "binlog-off", "packet", "read-only", "tls-required" -> "Incompatible";
      case "tls" -> "Tls";
      default -> "Sql";
    };
    return d.retryable()
        ? ApplicationFailure.newFailure(d.message(), type)
        : ApplicationFailure.newNonRetryableFailure(d.message(), type);
  }

  static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
    return c;
  }

  /** The server's message, first line only (driver messages can carry long hints). */
  static String safe(SQLException ex) {
    String m = String.valueOf(ex.getMessage());
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }
}
