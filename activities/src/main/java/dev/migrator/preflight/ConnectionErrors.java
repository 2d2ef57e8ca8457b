package dev.migrator.preflight;

import dev.migrator.model.Endpoint;
import dev.migrator.model.Finding;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import dev.migrator.mysql.TlsSetupException;
import java.sql.SQLException;
import javax.net.ssl.SSLException;

/**
 * Turns a failed connection into a blocking finding that names the endpoint and says what to try,
 * following the handbook's troubleshooting section (2005, 2003, 1045, 1049, TLS). Evidence carries
 * the user and address, never the password (the driver's messages never contain it either).
 */
public final class ConnectionErrors {
  private ConnectionErrors() {}

  public static Finding explain(String role, Endpoint e, SQLException ex) {
    String where = role + " " + e.address();
    int code = ex.getErrorCode();
    if (ex instanceof TlsSetupException t) {
      // The connector explained it already: what the settings asked for, what the server presented.
      return new Finding("connect-tls", Finding.BLOCKING, role, t.getMessage(), t.advice());
    }
    Throwable tls = find(ex, SSLException.class);
    if (find(ex, UnknownHostException.class) != null || code == 2005) {
      return new Finding("connect-unknown-host", Finding.BLOCKING, role,
          where + ": unknown host '" + e.host + "' (ERROR 2005): the name does not resolve from the worker",
          "check the host name for typing errors (copy an RDS/Aurora endpoint from the console rather than typing it);"
              + " test resolution from the worker's machine with host, dig or nslookup; if it fails from one client"
              + " only, look at that machine's DNS configuration");
    }
    if (tls != null || mentionsTls(ex)) {
      return new Finding("connect-tls", Finding.BLOCKING, role,
          where + ": TLS could not be set up (" + firstLine(tls != null ? tls.getMessage() : ex.getMessage()) + ")",
          (e.effectiveTls().caFile == null || e.effectiveTls().caFile.isBlank()
              ? "the server and the client could not agree on TLS: check the server's TLS configuration"
              : "check that the CA file (" + e.effectiveTls().caFile + ") is the CA that signed the server's certificate"
                  + " (for RDS/Aurora the region's global-bundle.pem) and that the server has TLS enabled")
              + "; connect with the mysql client and --ssl-mode=VERIFY_CA --ssl-ca to see the server's side");
    }
    if (find(ex, SocketTimeoutException.class) != null || find(ex, NoRouteToHostException.class) != null) {
      return new Finding("connect-timeout", Finding.BLOCKING, role,
          where + ": no answer within the connect timeout (ERROR 2003, timed out): packets to port " + e.port
              + " are probably dropped",
          "a security group, network ACL, route table or firewall drops the traffic: allow inbound TCP " + e.port
              + " from the worker; for RDS/Aurora reached from outside its VPC, the instance must be publicly"
              + " accessible; trace the route with a TCP probe (Aurora does not answer ICMP)");
    }
    if (find(ex, ConnectException.class) != null || code == 2003) {
      return new Finding("connect-refused", Finding.BLOCKING, role,
          where + ": cannot connect (ERROR 2003): nothing accepted the connection on port " + e.port,
          "check that the server is running and accepting clients (not starting, recovering or shutting down;"
              + " RDS/Aurora: the instance is 'Available'), that " + e.port + " is its port (a custom port such as"
              + " 3307 must be in the endpoint), that it listens on a reachable address (bind-address), and that no"
              + " security group, network ACL or firewall blocks the worker; RDS/Aurora reached from outside the"
              + " VPC must be publicly accessible");
    }
    if (code == 1045) {
      boolean noPassword = String.valueOf(ex.getMessage()).contains("using password: NO");
      return new Finding("connect-access-denied", Finding.BLOCKING, role,
          where + ": access denied for user '" + e.user + "' (ERROR 1045, "
              + (noPassword ? "using password: NO" : "using password: YES") + ")",
          noPassword
              ? "no password was sent: set the endpoint's password reference (env:NAME, file:/path or secret:NAME)"
                  + " and check that it is not empty"
              : "check the password behind the reference " + describeRef(e.password) + " and that the account may"
                  + " connect from the worker's address (the host part of '" + e.user + "'@'...'); reset the"
                  + " password if it works with no client (RDS/Aurora master user: modify the instance/cluster;"
                  + " other accounts: SET PASSWORD as an administrator)"
                  + (e.effectiveTls().hasClientCertificate() ? "" : "; an account created REQUIRE X509 (or SUBJECT,"
                      + " ISSUER) refuses connections without a client certificate the same way: give it with "
                      + role + ".tls.certFile and .keyFile"));
    }
    if (code == 1049) {
      return new Finding("connect-unknown-database", Finding.BLOCKING, role, where + ": " + firstLine(ex.getMessage())
          + " (ERROR 1049)", "check the schema name and that lower_case_table_names is the same on both sides");
    }
    return new Finding("connect-failed", Finding.BLOCKING, role,
        where + ": " + firstLine(ex.getMessage()) + (code > 0 ? " (ERROR " + code + ")" : ""),
        "connect with the mysql client from the worker's machine with the same user, host and port to see the"
            + " server's side of the problem");
  }

  /** Names a credential reference without revealing anything behind it. */
  static String describeRef(String ref) {
    if (ref == null || ref.isEmpty()) return "(none)";
    boolean reference = ref.startsWith("env:") || ref.startsWith("file:") || ref.startsWith("secret:");
    return reference ? "'" + ref + "'" : "(not a reference)";
  }

  private static boolean mentionsTls(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("SSL") || m.contains("TLS") || m.toLowerCase().contains("certificate")
          || m.toLowerCase().contains("keystore")) {
        return true;
      }
    }
    return false;
  }

  private static Throwable find(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) return c;
    }
    return null;
  }

  static String firstLine(String m) {
    String s = String.valueOf(m);
    int nl = s.indexOf('\n');
    return nl > 0 ? s.substring(0, nl) : s;
  }
}
