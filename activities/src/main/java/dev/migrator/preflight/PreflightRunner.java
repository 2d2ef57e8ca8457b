package dev.migrator.preflight;

import dev.migrator.model.Endpoint;
import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.mysql.Connector;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Connects to both endpoints and runs every {@link PreflightCheck}. Read-only by construction: the
 * checks only SHOW and SELECT (the connector sets a session sql_mode, nothing global). An unreachable
 * endpoint becomes a connect-* finding and the checks that need it are skipped; a check whose
 * queries fail becomes a check-failed warning and the others still run.
 */
public final class PreflightRunner {
  private final Connector connector;
  private final List<PreflightCheck> checks;

  public PreflightRunner(Connector connector) {
    this(connector, defaultChecks());
  }

  public PreflightRunner(Connector connector, List<PreflightCheck> checks) {
    this.connector = connector;
    this.checks = checks;
  }

  public static List<PreflightCheck> defaultChecks() {
    return List.of(
        new VersionCheck(),
        new MySqlCompatibilityCheck(),
        new SameServerCheck(),
        new SchemaPresenceCheck(),
        new BinaryLogCheck(),
        new BinlogRetentionCheck(),
        new ServerIdCheck(),
        new GtidCheck(),
        new PrivilegeCheck(),
        new ReplicationAccountCheck(),
        new StorageEngineCheck(),
        new DefinerCheck(),
        new AccountsCheck(),
        new PrimaryKeyCheck(),
        new RowSizeCheck(),
        new LowerCaseTableNamesCheck(),
        new TargetReplicationCheck(),
        new TlsCheck(),
        new TargetWritableCheck(),
        new LocalInfileCheck(),
        new RedoLogCheck(),
        new ReadOnlyBypassCheck(),
        new DataSizeCheck(),
        new StageCheck(dev.migrator.copy.S3Stage.defaultClients()));
  }

  public PreflightReport run(MigrationRequest r) {
    PreflightReport report = new PreflightReport();
    if (r.source == null || r.target == null) {
      report.add(new Finding("request", Finding.BLOCKING, r.source == null ? "source" : "target",
          "the request has no " + (r.source == null ? "source" : "target") + " endpoint",
          "add 'source' and 'target' to the request"));
      return report;
    }
    Connection src = connect(report, "source", r.source);
    Connection dst = connect(report, "target", r.target);
    try {
      Side source = side(report, "source", r.source, src);
      Side target = side(report, "target", r.target, dst);
      PreflightContext ctx = new PreflightContext(r, source, target, report);
      // What the rollback puts back after the replicate step kept the target read-only.
      if (target != null) report.targetReadOnly = "ON".equalsIgnoreCase(target.var("read_only")) || "1".equals(target.var("read_only"));
      for (PreflightCheck check : checks) {
        try {
          check.run(ctx);
        } catch (SQLException e) {
          report.add(new Finding("check-failed", Finding.WARNING, "replication", "could not run the " + check.name()
              + " check: " + ConnectionErrors.firstLine(e.getMessage()) + (e.getErrorCode() > 0 ? " (ERROR "
              + e.getErrorCode() + ")" : ""), "the check's result is unknown: grant the account read access to"
              + " information_schema and SHOW GRANTS/SHOW VARIABLES, or check this item by hand"));
        } catch (RuntimeException e) {
          // A value this build did not expect must not hide the other checks' findings.
          report.add(new Finding("check-failed", Finding.WARNING, "replication", "the " + check.name()
              + " check failed: " + e, "check this item by hand, and report it as a migrator bug"));
        }
      }
    } finally {
      closeQuietly(src);
      closeQuietly(dst);
    }
    return report;
  }

  private Connection connect(PreflightReport report, String role, Endpoint e) {
    try {
      return connector.openRaw(role, e);
    } catch (SQLException ex) {
      report.add(ConnectionErrors.explain(role, e, ex));
    } catch (ApplicationFailure ex) {
      // The credential reference could not be resolved; the message names the reference only.
      report.add(new Finding("connect-credential", Finding.BLOCKING, role, ex.getOriginalMessage(),
          "fix the password reference of the " + role + " endpoint, or make it resolvable where this check runs"));
    }
    return null;
  }

  private dev.migrator.mysql.TlsStatus tls(Connection c) {
    return connector.tls(c);
  }

  private Side side(PreflightReport report, String role, Endpoint e, Connection c) {
    if (c == null) return null;
    try {
      Side s = new Side(role, e, c);
      s.tls = tls(c);
      return s;
    } catch (SQLException ex) {
      report.add(new Finding("connect-failed", Finding.BLOCKING, role, role + " " + e.address()
          + ": connected, but reading the version and variables failed: " + ConnectionErrors.firstLine(ex.getMessage()),
          "check that the account may run SELECT VERSION() and SHOW GLOBAL VARIABLES"));
      return null;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // read-only session: nothing to lose
    }
  }
}
