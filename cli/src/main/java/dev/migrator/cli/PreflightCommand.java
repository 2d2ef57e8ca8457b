package dev.migrator.cli;

import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.preflight.PreflightReportFormatter;
import dev.migrator.preflight.PreflightRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the preflight checks of a request directly, without Temporal, from this shell: password
 * references are resolved here (messages say "in this shell"). Changes nothing.
 */
@Command(name = "preflight", description = "Check a request's endpoints (read-only, no workflow). Exit 0 ok, 3 blocking findings, 2 bad request.")
public class PreflightCommand implements Callable<Integer> {
  @Option(names = {"-f", "--file"}, required = true, description = "request JSON")
  Path file;

  @Option(names = "--json", description = "print the report as JSON")
  boolean json;

  @Override
  public Integer call() {
    MigrationRequest r;
    try {
      r = RequestReader.read(file);
    } catch (RequestReader.BadRequest e) {
      System.err.println(e.getMessage());
      return 2;
    }
    PreflightReport report = new PreflightRunner(new Connector(new CredentialResolver().inThisShell())).run(r);
    System.out.println(json ? PreflightReportFormatter.json(report) : PreflightReportFormatter.text(report));
    return report.hasBlocking() ? 3 : 0;
  }
}
