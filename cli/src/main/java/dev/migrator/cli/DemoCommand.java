package dev.migrator.cli;

import dev.migrator.testkit.Contents;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.AuroraLikeMySql;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import dev.migrator.testkit.Sakila;
import dev.migrator.testkit.WriteLoad;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.worker.MigratorWorker;
import dev.migrator.testkit.temporal.TemporalDevServer;
import dev.migrator.testkit.temporal.TemporalTestServerProcess;
import dev.migrator.worker.WorkerConfig;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded default: a local Temporal service, a worker, two local MariaDB servers, sakila in
 * the source under a continuous write load, and a real migration with cutover. Exits 0 only when
 * source and target contents are equal. With {@code --mysql}: MySQL 9.7 (bin/install-mysql) as the
 * source and the Aurora-like MySQL 9.7 as the target (its admin user without SUPER, the
 * mysql.rds_* procedures, TLS required), GTIDs on, replication by GTID auto-position.
 */
@Command(name = "demo", description = "Run a real migration end to end on local servers (MariaDB + Temporal test server, "
    + "or the Temporal dev server with its Web UI: --ui).")
public class DemoCommand implements Callable<Integer> {
  @Option(names = "--temporal", description = "use this Temporal service (host:port) instead of starting the Java test server")
  String temporalTarget;

  @Option(names = "--keep", description = "keep the servers running after the demo until Ctrl-C")
  boolean keep;

  @Option(names = "--ui", description = "run on the Temporal dev server (temporal server start-dev) and print its Web UI "
      + "address, to watch the migration there; with --keep the UI stays up until Ctrl-C")
  boolean ui;

  @Option(names = "--mysql", description = "MySQL 9.7 source to an Aurora-like MySQL 9.7 target (admin user without SUPER, "
      + "mysql.rds_* procedures, TLS required), GTIDs on, instead of MariaDB to MariaDB")
  boolean mysql;

  @Override
  public Integer call() throws Exception {
    long t0 = System.currentTimeMillis();
    TemporalTestServerProcess temporal = null;
    TemporalDevServer devServer = null;
    MigratorWorker worker = null;
    LocalServer source = null;
    LocalServer target = null;
    try {
      if (ui && temporalTarget != null) {
        System.err.println("--ui starts its own Temporal dev server; leave out --temporal");
        return 2;
      }
      if (ui && TemporalDevServer.findBinary().isEmpty()) {
        System.err.println(TemporalDevServer.missingMessage());
        return 2;
      }
      if (mysql && MySqlServer.find().isEmpty()) {
        System.err.println(MySqlServer.missingMessage());
        return 2;
      }
      say("starting " + (mysql ? "a MySQL 9.7 source and an Aurora-like MySQL 9.7 target" : "two MariaDB servers")
          + " and " + (temporalTarget != null ? temporalTarget
          : ui ? "the Temporal dev server (with Web UI)" : "the Temporal test server"));
      CompletableFuture<LocalServer> src = CompletableFuture.supplyAsync(() -> mysql
          ? LocalMySql.start(new LocalMySql.Options().name("demo-source").gtid(true)) : LocalMariaDb.start("demo-source"));
      // What the target's DB cluster parameter group would set: the replication filter (RDS/Aurora
      // refuse CHANGE REPLICATION FILTER) and log_bin_trust_function_creators (sakila has functions and triggers).
      CompletableFuture<LocalServer> dst = CompletableFuture.supplyAsync(() -> mysql
          ? AuroraLikeMySql.start(new AuroraLikeMySql.Options().name("demo-target").gtid(true)
              .config("replicate-wild-do-table=sakila.%").config("log_bin_trust_function_creators=1"))
          : LocalMariaDb.start("demo-target"));
      String tTarget = temporalTarget;
      if (tTarget == null && ui) {
        devServer = TemporalDevServer.start();
        tTarget = devServer.target();
        say("Temporal Web UI: " + devServer.uiUrl() + "  (gRPC " + tTarget + ")");
      } else if (tTarget == null) {
        temporal = TemporalTestServerProcess.start();
        tTarget = temporal.target();
      }
      source = src.get(120, TimeUnit.SECONDS);
      target = dst.get(120, TimeUnit.SECONDS);
      say("source " + source.host() + ":" + source.port() + ", target " + target.host() + ":" + target.port()
          + ", Temporal " + tTarget);
      WorkerConfig wc = new WorkerConfig().target(tTarget);
      if (temporal != null) wc.noSticky();
      worker = MigratorWorker.start(wc);

      say("loading sakila into the source");
      Sakila.load(source);
      try (WriteLoad load = WriteLoad.start(source, "sakila", "app_ledger", "demo_app", 10)) {
        say("an application writes to sakila.app_ledger on the source throughout the migration");
        MigrationRequest r = new MigrationRequest();
        r.migrationId = "demo-" + System.currentTimeMillis();
        r.source = source.endpoint();
        r.target = target.endpoint();
        r.replication.gtidAutoPosition = mysql;
        r.schemas = List.of("sakila");
        r.replication.password = source.rootPasswordRef();
        r.replication.pollSeconds = 1;
        r.copy.chunkRows = 2000;
        r.cutover.autoApprove = true;
        MigrationWorkflow wf = worker.client().newWorkflowStub(MigrationWorkflow.class, WorkflowOptions.newBuilder()
            .setWorkflowId(r.migrationId).setTaskQueue(MigrationWorkflow.TASK_QUEUE)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(30)).build());
        WorkflowClient.start(wf::run, r);
        say("started workflow " + r.migrationId + " (type " + MigrationWorkflow.WORKFLOW_TYPE + ", task queue "
            + MigrationWorkflow.TASK_QUEUE + ")");
        if (devServer != null) {
          say("watch it: " + devServer.uiUrl() + "/namespaces/default/workflows/" + r.migrationId);
        }
        CompletableFuture<MigrationResult> result = WorkflowStub.fromTyped(wf).getResultAsync(MigrationResult.class);
        String lastStep = null;
        while (!result.isDone()) {
          try {
            MigrationStatus s = wf.status();
            if (s.currentStep != null && !s.currentStep.equals(lastStep)) {
              lastStep = s.currentStep;
              say("step " + s.currentStep + " (application writes so far: " + load.writes() + ")");
            }
          } catch (RuntimeException e) {
            // not queryable yet
          }
          Thread.sleep(250);
        }
        MigrationResult res = result.get();
        long writes = load.writes();
        long refused = load.refused();
        load.close();
        System.out.println();
        System.out.println(StatusPrinter.render(res.status));
        say("application: " + writes + " writes accepted by the source, " + refused + " refused after cutover");
        String a = Contents.of(source, "sakila");
        String b = Contents.of(target, "sakila");
        boolean equal = a.equals(b);
        say("contents of every sakila table, source vs target (row count + CHECKSUM TABLE): "
            + (equal ? "EQUAL" : "DIFFERENT"));
        if (!equal) {
          System.out.println("source:\n" + a + "\ntarget:\n" + b);
        }
        boolean ok = MigrationResult.COMPLETED.equals(res.outcome) && equal;
        say((ok ? "demo succeeded" : "demo FAILED") + " in " + (System.currentTimeMillis() - t0) / 1000 + " s");
        if (keep) {
          if (devServer != null) {
            say("Web UI kept at " + devServer.uiUrl() + " (Temporal " + tTarget + "; try: migrator list --temporal "
                + tTarget + ")");
          }
          say("servers kept: source 127.0.0.1:" + source.port() + ", target 127.0.0.1:" + target.port()
              + " (password files: " + source.migrationPasswordRef() + ", " + target.migrationPasswordRef() + "); Ctrl-C to stop");
          Thread.currentThread().join();
        }
        return ok ? 0 : 1;
      }
    } finally {
      if (worker != null) worker.close();
      if (temporal != null) temporal.close();
      if (devServer != null) devServer.close();
      if (source != null) source.close();
      if (target != null) target.close();
    }
  }

  private static void say(String s) {
    System.out.println("[demo] " + s);
  }
}
