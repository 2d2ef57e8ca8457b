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
      return new Diagnosis("unknown-host", 2005, where + ": unknown host '" + e.host
          + "' (ERROR 2005): the name does not resolve; check the endpoint's spelling and DNS from the worker", false);
    }
    if (root instanceof ConnectException || code == 2003) {
      return new Diagnosis("connect", 2003, where + ": cannot connect (ERROR 2003): the server is down, the port is"
          + " wrong, or a firewall/security group blocks the worker; for RDS/Aurora check the security group's"
          + " inbound rule for port " + (e == null ? "" : e.port) + " and public accessibility", true);
    }
    if (root instanceof SocketTimeoutException) {
      return new Diagnosis("timeout", 2013, where + ": the connection timed out: a firewall or security group"
          + " probably drops packets to port " + (e == null ? "" : e.port), true);
    }
    switch (code) {
      case 1045:
        boolean noPw = String.valueOf(ex.getMessage()).contains("using password: NO");
        return new Diagnosis("access-denied", 1045, where + ": access denied for user '" + (e == null ? "" : e.user)
            + "' (ERROR 1045): " + (noPw
                ? "no password was sent; set the endpoint's password reference"
                : "wrong password or the account may not connect from the worker's host; check the password"
                    + " reference and the account's host part"
                    + (e != null && e.effectiveTls().hasClientCertificate() ? ""
                        : " (an account created REQUIRE X509/SUBJECT/ISSUER also refuses a connection without a"
                            + " client certificate: set " + role + ".tls.certFile and .keyFile)")), false);
      case 1044:
      case 1142:
      case 1227:
        return new Diagnosis("privilege", code, where + ": " + safe(ex) + " (ERROR " + code
            + "): the account lacks a privilege this step needs; docs/preflight.md lists the account requirements per step", false);
      case 1049:
        return new Diagnosis("unknown-database", 1049, where + ": " + safe(ex)
            + " (ERROR 1049): check the schema name and lower_case_table_names on both sides", false);
      case 1146:
        return new Diagnosis("unknown-table", 1146, where + ": " + safe(ex)
            + " (ERROR 1146): check the table name and lower_case_table_names on both sides", false);
      case 1381:
        return new Diagnosis("binlog-off", 1381, where + ": binary logging is off (ERROR 1381): enable log_bin"
            + " (RDS: set backup retention above 0) and restart", false);
      case 1290:
      case 1836:
        return new Diagnosis("read-only", code, where + ": the server is read-only (ERROR " + code + ")", false);
      case 2020:
        return new Diagnosis("packet", 2020, where + ": a row is larger than max_allowed_packet (ERROR 2020):"
            + " raise max_allowed_packet on both sides", false);
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
      case "binlog-off", "packet", "read-only" -> "Incompatible";
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
