package dev.migrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.worker.MigratorWorker;
import dev.migrator.worker.PayloadKeys;
import dev.migrator.worker.TemporalConnection;
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
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * migrator: the operator's tool. Exit codes: 0 ok, 1 failed, 2 bad input, 3 refused (approval,
 * blocking preflight findings), 4 the migration has ended (nothing to act on).
 */
// scope INHERIT: every subcommand has --help (and --version) too.
@Command(name = "migrator", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
    version = "migrator 0.1.0",
    description = "Durable, resumable MySQL -> Aurora migrations as Temporal workflows.",
    subcommands = {Main.Start.class, Main.Status.class, Main.Approve.class, Main.Rollback.class, Main.Pause.class,
        Main.Resume.class, Main.Decide.class, OnCallCommands.ListCommand.class, OnCallCommands.Describe.class,
        RehearsalCommands.class, Main.Worker.class, CodecServerCommand.class, PreflightCommand.class, DemoCommand.class, BenchCopyCommand.class})
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
      cmd.getErr().println("error: " + describe(ex));
      cmd.getErr().flush();
      return 1;
    });
  }

  /**
   * The message, with the root cause's when it says more (the SDK's "workflowId=..." around a payload
   * that does not decrypt, gRPC's "UNAVAILABLE: io exception" around a refused TLS handshake).
   */
  static String describe(Throwable ex) {
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = String.valueOf(ex.getMessage());
    if (root == ex || root.getMessage() == null || m.contains(root.getMessage())) return m;
    return m + ": " + root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /**
   * Where Temporal is and how to reach it: the temporal CLI's flags and environment variables
   * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS*, TEMPORAL_API_KEY; a flag wins over its
   * variable), and the payload keys. One client per command.
   */
  public static class Connection {
    @Option(names = {"--temporal", "--address"},
        description = "Temporal frontend host:port (env TEMPORAL_ADDRESS, default ${DEFAULT-VALUE})",
        defaultValue = "${env:TEMPORAL_ADDRESS:-127.0.0.1:7233}")
    String target;

    @Option(names = {"--namespace", "-n"}, defaultValue = "${env:TEMPORAL_NAMESPACE:-default}",
        description = "Temporal namespace (env TEMPORAL_NAMESPACE, default ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--task-queue", defaultValue = "${env:MIGRATOR_TASK_QUEUE:-" + MigrationWorkflow.TASK_QUEUE + "}",
        description = "task queue of the workers")
    String taskQueue;

    @Option(names = "--tls", arity = "0..1", fallbackValue = "true", description = "TLS (env TEMPORAL_TLS); on by"
        + " default when any other TLS option or an API key is given, --tls=false turns it off")
    Boolean tls;

    @Option(names = "--tls-cert-path", description = "client certificate, PEM, for mTLS (env TEMPORAL_TLS_CERT)")
    String tlsCertPath;

    @Option(names = "--tls-key-path", description = "its private key, PKCS#8 PEM (env TEMPORAL_TLS_KEY)")
    String tlsKeyPath;

    @Option(names = "--tls-ca-path", description = "CA certificates that sign the server's certificate, PEM"
        + " (env TEMPORAL_TLS_CA; default the JVM's trust store)")
    String tlsCaPath;

    @Option(names = "--tls-cert-data", description = "client certificate PEM itself (env TEMPORAL_TLS_CERT_DATA)")
    String tlsCertData;

    @Option(names = "--tls-key-data", description = "private key PEM itself (env TEMPORAL_TLS_KEY_DATA; prefer the"
        + " variable or a file: flags show in ps)")
    String tlsKeyData;

    @Option(names = "--tls-ca-data", description = "CA PEM itself (env TEMPORAL_TLS_CA_DATA)")
    String tlsCaData;

    @Option(names = "--tls-server-name", description = "name expected in the server's certificate and sent as SNI"
        + " (env TEMPORAL_TLS_SERVER_NAME)")
    String tlsServerName;

    @Option(names = "--tls-disable-host-verification", arity = "0..1", fallbackValue = "true",
        description = "do not check the server's host name (env TEMPORAL_TLS_DISABLE_HOST_VERIFICATION)")
    Boolean tlsDisableHostVerification;

    @Option(names = "--api-key", description = "API key, sent as a bearer token (env TEMPORAL_API_KEY; prefer the"
        + " variable: flags show in ps)")
    String apiKey;

    @Mixin PayloadKeyOptions payloadKeys;

    private WorkflowClient client;

    /** The connection settings: the environment, then the flags given. */
    TemporalConnection settings() {
      TemporalConnection c = TemporalConnection.fromEnvironment(System.getenv());
      c.address = target;
      c.namespace = namespace;
      if (tls != null) c.tls = tls;
      if (tlsCertPath != null) {
        c.tlsCertPath = tlsCertPath;
        c.tlsCertData = null;
      }
      if (tlsCertData != null) {
        c.tlsCertData = tlsCertData;
        c.tlsCertPath = null;
      }
      if (tlsKeyPath != null) {
        c.tlsKeyPath = tlsKeyPath;
        c.tlsKeyData = null;
      }
      if (tlsKeyData != null) {
        c.tlsKeyData = tlsKeyData;
        c.tlsKeyPath = null;
      }
      if (tlsCaPath != null) {
        c.tlsCaPath = tlsCaPath;
        c.tlsCaData = null;
      }
      if (tlsCaData != null) {
        c.tlsCaData = tlsCaData;
        c.tlsCaPath = null;
      }
      if (tlsServerName != null) c.tlsServerName = tlsServerName;
      if (tlsDisableHostVerification != null) c.tlsDisableHostVerification = tlsDisableHostVerification;
      if (apiKey != null) c.apiKey = apiKey;
      return c;
    }

    WorkflowClient client() {
      if (client == null) {
        client = MigratorWorker.client(settings(), payloadKeys.keys().codec(MigratorWorker.credentials()));
      }
      return client;
    }

    MigrationWorkflow workflow(String id) {
      return client().newWorkflowStub(MigrationWorkflow.class, id);
    }

    /** The Temporal client identity this CLI sends with (the SDK's "pid@host" unless set). */
    String identity() {
      return client().getOptions().getIdentity();
    }

    /**
     * Whether the workers that run {@code id} record the audit trail (their status has one), so
     * that the attributed signals (rollbackBy, ...) reach a handler: a worker that predates them
     * would leave them unhandled. When no worker answers the query, the attributed ones are sent
     * (they wait in the history for the worker that comes up).
     */
    boolean attributed(String id) {
      try {
        return workflow(id).status().audit != null;
      } catch (RuntimeException noAnswer) {
        return true;
      }
    }
  }

  /** Exit code of an operator command sent to a migration that has ended. */
  static final int ENDED = 4;

  /**
   * The exit code when there is nothing to act on, after one line on {@code spec}'s error stream:
   * {@link #ENDED} when migration {@code id} has ended ("migration X completed at ...: nothing to
   * roll back"), 2 when there is no such migration; null while it runs (or when it cannot be
   * described: the command then reports what the server says).
   */
  static Integer ended(Connection conn, CommandSpec spec, String id, String nothingTo) {
    io.temporal.client.WorkflowExecutionDescription d;
    try {
      d = conn.client().newUntypedWorkflowStub(id).describe();
    } catch (io.temporal.client.WorkflowNotFoundException e) {
      spec.commandLine().getErr().println("no migration " + id + " on namespace " + conn.namespace
          + ": check the id with 'migrator list'");
      spec.commandLine().getErr().flush();
      return 2;
    } catch (RuntimeException e) {
      return null;
    }
    io.temporal.api.enums.v1.WorkflowExecutionStatus st = d.getStatus();
    if (st == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) return null;
    String phase = d.getTypedSearchAttributes().get(dev.migrator.workflow.MigrationSearchAttributes.PHASE);
    String how = switch (st) {
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> "rolled-back".equals(phase) ? "was rolled back" : "completed";
      case WORKFLOW_EXECUTION_STATUS_FAILED -> "failed (and was rolled back)";
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> "was cancelled (and rolled back)";
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "was terminated";
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> "timed out";
      default -> "has ended (" + OnCallCommands.status(st) + ")";
    };
    String line = "migration " + id + " " + how
        + (d.getCloseTime() == null ? "" : " at " + OnCallCommands.TIME.format(d.getCloseTime())) + ": " + nothingTo;
    spec.commandLine().getErr().println(line);
    spec.commandLine().getErr().flush();
    return ENDED;
  }

  /** Who runs an operator command: recorded in the migration's audit trail (and the history). */
  public static class Operator {
    @Option(names = "--by", description = "who does it, for the audit trail (default: the OS user)")
    String by;

    String who() {
      return by == null || by.isBlank() ? System.getProperty("user.name") : by;
    }

    dev.migrator.model.OperatorAction action(Connection conn) {
      return new dev.migrator.model.OperatorAction(who(), conn.identity());
    }

    /** The note the CLI prints when the workers predate the audit trail. */
    static String unattributed(String id) {
      return "note: the workers running " + id + " predate the audit trail: sent without --by (upgrade the workers)";
    }
  }

  /** The payload encryption keys (references), as MIGRATOR_PAYLOAD_KEY* or these flags. */
  public static class PayloadKeyOptions {
    @Option(names = "--payload-key", description = "reference (env:NAME, file:/path, secret:NAME) to the key that"
        + " encrypts payloads (env MIGRATOR_PAYLOAD_KEY)")
    String key;

    @Option(names = "--payload-key-id", description = "its id, recorded in each payload (env MIGRATOR_PAYLOAD_KEY_ID)")
    String keyId;

    @Option(names = "--payload-decrypt-keys", description = "older keys that still decrypt: id=reference,..."
        + " (env MIGRATOR_PAYLOAD_DECRYPT_KEYS)")
    String decryptKeys;

    PayloadKeys keys() {
      PayloadKeys k = PayloadKeys.fromEnvironment(System.getenv());
      return PayloadKeys.of(key != null ? key : k.keyRef, keyId != null ? keyId : k.keyId,
          decryptKeys != null ? decryptKeys : k.decryptKeys);
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
    @Mixin Operator operator;

    @Parameters(index = "0")
    String id;

    @Spec CommandSpec spec;

    /** Through the approveCutoverBy update, so a refusal comes back with its reason (exit 3). */
    @Override
    public Integer call() {
      Integer no = ended(conn, spec, id, "nothing to approve");
      if (no != null) return no;
      try {
        if (conn.attributed(id)) {
          System.out.println(conn.workflow(id).approveCutoverBy(operator.action(conn)));
        } else {
          System.err.println(Operator.unattributed(id));
          System.out.println(conn.workflow(id).approveCutover(operator.who()));
        }
        return 0;
      } catch (io.temporal.client.WorkflowUpdateException e) {
        Throwable c = e.getCause();
        String why = c instanceof io.temporal.failure.ApplicationFailure af ? af.getOriginalMessage()
            : String.valueOf(c == null ? e.getMessage() : c.getMessage());
        System.err.println(id + ": " + why);
        return 3;
      }
    }
  }

  @Command(name = "rollback", description = "Roll a migration back: run its shadow checklist in reverse.")
  static class Rollback implements Callable<Integer> {
    @Mixin Connection conn;
    @Mixin Operator operator;

    @Parameters(index = "0")
    String id;

    @Option(names = "--reason", defaultValue = "requested from the CLI")
    String reason;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Integer no = ended(conn, spec, id, "nothing to roll back");
      if (no != null) return no;
      if (conn.attributed(id)) {
        conn.workflow(id).rollbackBy(operator.action(conn).reason(reason));
      } else {
        System.err.println(Operator.unattributed(id));
        conn.workflow(id).rollback(reason);
      }
      System.out.println("rollback requested for " + id + " by " + operator.who());
      return 0;
    }
  }

  @Command(name = "pause", description = "Pause a migration at the next step boundary.")
  static class Pause implements Callable<Integer> {
    @Mixin Connection conn;
    @Mixin Operator operator;

    @Parameters(index = "0")
    String id;

    @Option(names = "--reason", defaultValue = "paused from the CLI")
    String reason;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Integer no = ended(conn, spec, id, "nothing to pause");
      if (no != null) return no;
      if (conn.attributed(id)) {
        conn.workflow(id).pauseBy(operator.action(conn).reason(reason));
      } else {
        System.err.println(Operator.unattributed(id));
        conn.workflow(id).pause(reason);
      }
      System.out.println("pause requested for " + id + " by " + operator.who());
      return 0;
    }
  }

  @Command(name = "resume", description = "Resume a paused migration.")
  static class Resume implements Callable<Integer> {
    @Mixin Connection conn;
    @Mixin Operator operator;

    @Parameters(index = "0")
    String id;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Integer no = ended(conn, spec, id, "nothing to resume");
      if (no != null) return no;
      if (conn.attributed(id)) {
        conn.workflow(id).resumeBy(operator.action(conn));
      } else {
        System.err.println(Operator.unattributed(id));
        conn.workflow(id).resume();
      }
      System.out.println("resumed " + id + " by " + operator.who());
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

    @Parameters(index = "1", description = "retry | skip | next-log | rebuild | kill-and-retry | rollback")
    String action;

    @Mixin Operator operator;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Integer no = ended(conn, spec, id, "nothing to decide");
      if (no != null) return no;
      MigrationStatus s = conn.workflow(id).status();
      if (!s.allowedDecisions.contains(dev.migrator.model.Decision.parse(action))) {
        System.err.println("'" + action + "' is not possible now; allowed: " + s.allowedDecisions
            + (s.paused ? "" : " (the migration is not paused on an error)"));
        return 2;
      }
      if (s.audit != null) {
        conn.workflow(id).decideBy(operator.action(conn).decision(action));
      } else {
        System.err.println(Operator.unattributed(id));
        conn.workflow(id).decide(action);
      }
      System.out.println("decision '" + action + "' sent to " + id + " by " + operator.who());
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
      c.temporal = conn.settings();
      c.temporalTarget = conn.target;
      c.namespace = conn.namespace;
      c.taskQueue = conn.taskQueue;
      c.payloadKeys = conn.payloadKeys.keys();
      c.disableSticky |= noSticky;
      MigratorWorker w = MigratorWorker.start(c);
      Runtime.getRuntime().addShutdownHook(new Thread(w::close));
      System.out.println("worker polling '" + c.taskQueue + "' at " + c.connection().describe());
      w.metrics().ifPresent(m -> System.out.println("metrics at " + m.url()));
      Thread.currentThread().join();
      return 0;
    }
  }
}
