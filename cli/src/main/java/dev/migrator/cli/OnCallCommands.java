package dev.migrator.cli;

import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.workflow.MigrationSearchAttributes;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.TemporalFailure;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** On-call tools: find migrations by state (visibility queries on search attributes), describe one. */
final class OnCallCommands {
  private OnCallCommands() {}

  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  /** Which migrations {@code list} shows. */
  static class Filter {
    @Option(names = "--paused", description = "running and waiting for a human (an error, a breakpoint, a pause, the approval)")
    boolean paused;

    @Option(names = "--running", description = "still running (includes paused and waiting for approval)")
    boolean running;

    @Option(names = "--failed", description = "ended failed, timed out or terminated")
    boolean failed;
  }

  /** The visibility query for a filter; {@code extra} is ANDed (e.g. MigrationPhase='copy'). */
  static String query(Filter f, String extra) {
    List<String> and = new ArrayList<>();
    and.add("WorkflowType = '" + MigrationWorkflow.WORKFLOW_TYPE + "'");
    if (f != null && f.paused) {
      and.add("ExecutionStatus = 'Running'");
      and.add(MigrationSearchAttributes.PAUSED.getName() + " = true");
    } else if (f != null && f.running) {
      and.add("ExecutionStatus = 'Running'");
    } else if (f != null && f.failed) {
      and.add("(ExecutionStatus = 'Failed' OR ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Terminated')");
    }
    if (extra != null && !extra.isBlank()) and.add("(" + extra + ")");
    return String.join(" AND ", and);
  }

  @Command(name = "list", description = "List migrations (newest first), optionally only paused, running or failed ones.")
  static class ListCommand implements Callable<Integer> {
    @Mixin Main.Connection conn;
    @Spec CommandSpec spec;

    @ArgGroup(exclusive = true)
    Filter filter;

    @Option(names = "--query", description = "extra visibility query, ANDed, e.g. \"MigrationStep = 'copy'\"")
    String extra;

    @Option(names = "--limit", defaultValue = "50", description = "at most this many (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      String q = query(filter, extra);
      List<WorkflowExecutionMetadata> rows = conn.client().listExecutions(q).limit(limit).collect(Collectors.toList());
      if (rows.isEmpty()) {
        out.println("no migrations match: " + q);
        out.flush();
        return 0;
      }
      out.println(String.format(Locale.ROOT, "%-32s %-10s %-12s %-10s %-6s %-20s %s", "ID", "STATUS", "PHASE", "STEP",
          "PAUSED", "STARTED", "WHY"));
      for (WorkflowExecutionMetadata m : rows) {
        SearchAttributes sa = m.getTypedSearchAttributes();
        out.println(String.format(Locale.ROOT, "%-32s %-10s %-12s %-10s %-6s %-20s %s",
            m.getExecution().getWorkflowId(), status(m.getStatus()), orDash(sa.get(MigrationSearchAttributes.PHASE)),
            orDash(sa.get(MigrationSearchAttributes.STEP)), yesNo(sa.get(MigrationSearchAttributes.PAUSED)),
            TIME.format(m.getStartTime()), clip(orDash(sa.get(MigrationSearchAttributes.PAUSED_REASON)), 100)));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "describe", description = "Everything about one migration: execution, search attributes, checklist, "
      + "shadow checklist, progress, lag and why it waits.")
  static class Describe implements Callable<Integer> {
    @Mixin Main.Connection conn;
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "migration (workflow) id")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      WorkflowClient client = conn.client();
      WorkflowStub stub = client.newUntypedWorkflowStub(id);
      WorkflowExecutionDescription d = stub.describe();
      SearchAttributes sa = d.getTypedSearchAttributes();
      out.println("workflow " + id + " (run " + d.getExecution().getRunId() + "): " + status(d.getStatus()));
      out.println("  started " + TIME.format(d.getStartTime())
          + (d.getCloseTime() == null ? "" : ", closed " + TIME.format(d.getCloseTime()))
          + ", task queue " + d.getTaskQueue());
      out.println("  source " + orDash(sa.get(MigrationSearchAttributes.SOURCE)) + " -> target "
          + orDash(sa.get(MigrationSearchAttributes.TARGET))
          + (Boolean.TRUE.equals(sa.get(MigrationSearchAttributes.REHEARSAL)) ? " (rehearsal)" : ""));
      String[] why = {null};
      MigrationStatus s = migrationStatus(client, stub, d, why);
      out.println();
      if (s == null) {
        out.println("  (no status: " + (why[0] != null ? why[0]
            : "the workflow is closed and no worker answered the status query") + ")");
        out.println("  phase " + orDash(sa.get(MigrationSearchAttributes.PHASE)) + ", step "
            + orDash(sa.get(MigrationSearchAttributes.STEP)));
      } else {
        out.print(StatusPrinter.render(s));
      }
      if (d.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED) {
        out.println("  workflow failed: " + failure(stub));
      }
      out.flush();
      return 0;
    }

    private static MigrationStatus migrationStatus(WorkflowClient client, WorkflowStub stub, WorkflowExecutionDescription d,
        String[] why) {
      try {
        // Answered by a worker, also for closed runs (it replays the history).
        return client.newWorkflowStub(MigrationWorkflow.class, d.getExecution().getWorkflowId()).status();
      } catch (RuntimeException e) {
        why[0] = undecryptable(e);
        if (d.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
          try {
            return stub.getResult(MigrationResult.class).status;
          } catch (RuntimeException ignored) {
            if (why[0] == null) why[0] = undecryptable(ignored);
            return null;
          }
        }
        return null;
      }
    }

    /** Why a payload could not be read here (a key this CLI lacks), or null for other errors. */
    private static String undecryptable(Throwable e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof io.temporal.payload.codec.PayloadCodecException) return "its payloads do not decrypt here: " + c.getMessage();
        if (c.getCause() == c) break;
      }
      return null;
    }

    private static String failure(WorkflowStub stub) {
      try {
        stub.getResult(MigrationResult.class);
        return "?";
      } catch (RuntimeException e) {
        Throwable c = e;
        while (c.getCause() != null) c = c.getCause();
        return c instanceof TemporalFailure ? ((TemporalFailure) c).getOriginalMessage() : c.getMessage();
      }
    }
  }

  static String status(WorkflowExecutionStatus s) {
    String n = s.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase(Locale.ROOT);
    return n.replace('_', '-');
  }

  static String orDash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }

  static String yesNo(Boolean b) {
    return b == null ? "-" : b ? "yes" : "no";
  }

  static String clip(String s, int n) {
    return s.length() > n ? s.substring(0, n - 3) + "..." : s;
  }

  static String time(Instant i) {
    return i == null ? "-" : TIME.format(i);
  }
}
