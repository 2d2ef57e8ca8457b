package dev.migrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.worker.MigratorWorker;
import dev.migrator.worker.WorkerConfig;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** migrator: the operator's tool. Exit codes: 0 ok, 1 failed, 2 bad input. */
// scope INHERIT: every subcommand has --help (and --version) too.
@Command(name = "migrator", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
    version = "migrator 0.1.0",
    description = "Durable, resumable MySQL -> Aurora migrations as Temporal workflows.",
    subcommands = {Main.Start.class, Main.Status.class, Main.Approve.class, Main.Rollback.class, Main.Pause.class,
        Main.Resume.class, Main.Decide.class, OnCallCommands.ListCommand.class, OnCallCommands.Describe.class,
        RehearsalCommands.class, Main.Worker.class, PreflightCommand.class, DemoCommand.class, BenchCopyCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** Runs with output and errors going to these writers (for tests). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return commandLine().setOut(out).setErr(err).execute(args);
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main()).setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("error: " + ex.getMessage());
      cmd.getErr().flush();
      return 1;
    });
  }

  /** Where Temporal is. */
  public static class Connection {
    @Option(names = "--temporal", description = "Temporal frontend host:port (env TEMPORAL_ADDRESS, default ${DEFAULT-VALUE})",
        defaultValue = "${env:TEMPORAL_ADDRESS:-127.0.0.1:7233}")
    String target;

    @Option(names = "--namespace", defaultValue = "${env:TEMPORAL_NAMESPACE:-default}", description = "Temporal namespace")
    String namespace;

    @Option(names = "--task-queue", defaultValue = "${env:MIGRATOR_TASK_QUEUE:-" + MigrationWorkflow.TASK_QUEUE + "}",
        description = "task queue of the workers")
    String taskQueue;

    WorkflowClient client() {
      return MigratorWorker.client(target, namespace);
    }

    MigrationWorkflow workflow(String id) {
      return client().newWorkflowStub(MigrationWorkflow.class, id);
    }
  }

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Command(name = "start", description = "Start a migration from a MigrationRequest JSON file.")
  static class Start implements Callable<Integer> {
    @Mixin Connection conn;

    @Option(names = {"-f", "--file"}, required = true, description = "request JSON")
    Path file;

    @Option(names = "--id", description = "workflow id (default: migrationId from the request, else generated)")
    String id;

    @Option(names = "--wait", description = "wait for the result and print the checklist")
    boolean await;

    @Override
    public Integer call() throws Exception {
      MigrationRequest r;
      try {
        r = RequestReader.read(file);
      } catch (RequestReader.BadRequest e) {
        System.err.println(e.getMessage());
        return 2;
      }
      String wid = id != null ? id : r.migrationId != null ? r.migrationId : "migration-" + System.currentTimeMillis();
      MigrationWorkflow wf = conn.client().newWorkflowStub(MigrationWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(wid).setTaskQueue(conn.taskQueue).build());
      WorkflowClient.start(wf::run, r);
      System.out.println("started migration " + wid + " on task queue " + conn.taskQueue);
      if (!await) return 0;
      MigrationResult res = WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);
      System.out.println(StatusPrinter.render(res.status));
      return MigrationResult.COMPLETED.equals(res.outcome) ? 0 : 1;
    }
  }

  @Command(name = "status", description = "Show a migration's checklist, shadow checklist, progress and lag.")
  static class Status implements Callable<Integer> {
    @Mixin Connection conn;

    @Parameters(index = "0", description = "migration (workflow) id")
    String id;

    @Option(names = "--json", description = "print the status as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
      MigrationStatus s = conn.workflow(id).status();
      System.out.println(json ? JSON.writeValueAsString(s) : StatusPrinter.render(s));
      return 0;
    }
  }

  @Command(name = "approve", description = "Approve the cutover of a migration waiting at step 'approve'.")
  static class Approve implements Callable<Integer> {
    @Mixin Connection conn;

    @Parameters(index = "0")
    String id;

    @Override
    public Integer call() {
      conn.workflow(id).approve();
      System.out.println("approved " + id);
      return 0;
    }
  }

  @Command(name = "rollback", description = "Roll a migration back: run its shadow checklist in reverse.")
  static class Rollback implements Callable<Integer> {
    @Mixin Connection conn;

    @Parameters(index = "0")
    String id;

    @Option(names = "--reason", defaultValue = "requested from the CLI")
    String reason;

    @Override
    public Integer call() {
      conn.workflow(id).rollback(reason);
      System.out.println("rollback requested for " + id);
      return 0;
    }
  }

  @Command(name = "pause", description = "Pause a migration at the next step boundary.")
  static class Pause implements Callable<Integer> {
    @Mixin Connection conn;

    @Parameters(index = "0")
    String id;

    @Option(names = "--reason", defaultValue = "paused from the CLI")
    String reason;

    @Override
    public Integer call() {
      conn.workflow(id).pause(reason);
      System.out.println("pause requested for " + id);
      return 0;
    }
  }

  @Command(name = "resume", description = "Resume a paused migration.")
  static class Resume implements Callable<Integer> {
    @Mixin Connection conn;

    @Parameters(index = "0")
    String id;

    @Override
    public Integer call() {
      conn.workflow(id).resume();
      System.out.println("resumed " + id);
      return 0;
    }
  }

  @Command(name = "decide", description = {
      "Answer a migration paused on an error with one of the decisions its status allows.",
      "Any failed step: retry | rollback (| skip for preflight, retention, verify).",
      "Replication error at catch-up (docs/replication.md):",
      "  retry     start the replication threads again (after fixing the cause: a conflicting row, the account, the network)",
      "  skip      1062 duplicate key / 1032 missing row only: skip that one event; the target drifts (a warning is recorded)",
      "  next-log  1236 impossible position only: continue at position 4 of the next source binlog",
      "  rebuild   undo replicate, copy and schema, then run schema, copy, verify and replicate again",
      "  rollback  undo everything"})
  static class Decide implements Callable<Integer> {
    @Mixin Connection conn;

    @Parameters(index = "0")
    String id;

    @Parameters(index = "1", description = "retry | skip | next-log | rebuild | rollback")
    String action;

    @Override
    public Integer call() {
      MigrationStatus s = conn.workflow(id).status();
      if (!s.allowedDecisions.contains(action)) {
        System.err.println("'" + action + "' is not possible now; allowed: " + s.allowedDecisions
            + (s.paused ? "" : " (the migration is not paused on an error)"));
        return 2;
      }
      conn.workflow(id).decide(action);
      System.out.println("decision '" + action + "' sent to " + id);
      return 0;
    }
  }

  @Command(name = "worker", description = "Run a worker (workflows and activities) until stopped.")
  static class Worker implements Callable<Integer> {
    @Mixin Connection conn;

    @Option(names = "--no-sticky", description = "disable sticky execution (for the Java test server)")
    boolean noSticky;

    @Override
    public Integer call() throws Exception {
      WorkerConfig c = WorkerConfig.fromEnvironment();
      c.temporalTarget = conn.target;
      c.namespace = conn.namespace;
      c.taskQueue = conn.taskQueue;
      c.disableSticky |= noSticky;
      MigratorWorker w = MigratorWorker.start(c);
      Runtime.getRuntime().addShutdownHook(new Thread(w::close));
      System.out.println("worker polling '" + c.taskQueue + "' at " + c.temporalTarget);
      w.metrics().ifPresent(m -> System.out.println("metrics at " + m.url()));
      Thread.currentThread().join();
      return 0;
    }
  }
}
