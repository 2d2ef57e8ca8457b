package dev.migrator.cli;

import dev.migrator.model.CompensationState;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.StepState;
import dev.migrator.workflow.MigrationWorkflow;
import dev.migrator.workflow.RequestValidator;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleListActionStartWorkflow;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Rehearsals: the whole checklist against a throwaway target (the request with rehearsal=true:
 * it approves itself and rolls everything back at the end), run by a Temporal Schedule with overlap
 * policy SKIP, and a report comparing step durations across the schedule's runs.
 */
@Command(name = "rehearsal", description = "Scheduled rehearsals (Temporal Schedules) and their reports.",
    subcommands = {RehearsalCommands.ScheduleCmd.class, RehearsalCommands.Report.class})
final class RehearsalCommands {
  /** Workflows started by a schedule carry this system search attribute (the schedule id). */
  static final String SCHEDULED_BY = "TemporalScheduledById";

  @Command(name = "schedule", description = "Create, list, delete or trigger rehearsal schedules.",
      subcommands = {Create.class, ListSchedules.class, Delete.class, Trigger.class})
  static class ScheduleCmd {}

  /** Schedules on the connection's namespace, with its data converter (a schedule's request is encrypted too). */
  static ScheduleClient schedules(Main.Connection conn) {
    WorkflowClient client = conn.client();
    return ScheduleClient.newInstance(client.getWorkflowServiceStubs(), ScheduleClientOptions.newBuilder()
        .setNamespace(client.getOptions().getNamespace())
        .setDataConverter(client.getOptions().getDataConverter())
        .build());
  }

  /**
   * Who changed a schedule, as its note says it: "created by alice (123@ops-host) at
   * 2026-05-01T09:00:00Z". The note is the schedule's free text (shown by {@code temporal schedule
   * describe} and the Web UI); create also puts createdBy/createdIdentity/createdAt in its memo.
   */
  static String stamp(String verb, Main.Operator op, Main.Connection conn) {
    return verb + " by " + op.who() + " (" + conn.identity() + ") at " + Instant.now().truncatedTo(
        java.time.temporal.ChronoUnit.SECONDS);
  }

  /** The schedule's note with {@code change} as its last change ("; last: triggered by ..."). */
  static String withLastChange(String note, String change) {
    String base = note == null ? "" : note;
    int i = base.indexOf("; last: ");
    if (i >= 0) base = base.substring(0, i);
    return base + "; last: " + change;
  }

  /** Writes {@code change} into the schedule's note (an update of the schedule: Temporal records it too). */
  static void recordChange(io.temporal.client.schedules.ScheduleHandle handle, String change) {
    handle.update(in -> {
      Schedule s = in.getDescription().getSchedule();
      return new io.temporal.client.schedules.ScheduleUpdate(Schedule.newBuilder(s).setState(
          ScheduleState.newBuilder(s.getState()).setNote(withLastChange(s.getState().getNote(), change)).build()).build());
    });
  }

  /** When the schedule fires. */
  static class When {
    @Option(names = "--cron", description = "cron expression, e.g. \"0 3 * * 1-5\" (UTC)")
    String cron;

    @Option(names = "--every", description = "interval, e.g. 24h, 30m, 7d")
    String every;
  }

  static Duration parseInterval(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long n = Long.parseLong(t.substring(0, t.length() - 1));
    switch (t.charAt(t.length() - 1)) {
      case 's': return Duration.ofSeconds(n);
      case 'm': return Duration.ofMinutes(n);
      case 'h': return Duration.ofHours(n);
      case 'd': return Duration.ofDays(n);
      default: throw new IllegalArgumentException("interval must end in s, m, h or d: " + s);
    }
  }

  @Command(name = "create", description = "Schedule rehearsals of a migration request (overlapping runs are skipped).")
  static class Create implements Callable<Integer> {
    @Mixin Main.Connection conn;
    @Mixin Main.Operator operator;
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "schedule id")
    String scheduleId;

    @Option(names = {"-f", "--file"}, required = true, description = "MigrationRequest JSON; its target must be throwaway")
    Path file;

    @ArgGroup(exclusive = true, multiplicity = "1")
    When when;

    @Option(names = "--paused", description = "create it paused (runs only when triggered)")
    boolean paused;

    @Option(names = "--on-failure", defaultValue = "rollback",
        description = "rollback (default: an unattended rehearsal rolls back on an error and reports it) or pause "
            + "(waits for 'migrator decide'; later runs are skipped meanwhile)")
    String onFailure;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      MigrationRequest r;
      try {
        r = RequestReader.read(file);
      } catch (RequestReader.BadRequest e) {
        spec.commandLine().getErr().println(e.getMessage());
        return 2;
      }
      r.rehearsal = true;
      r.onFailure = onFailure;
      // Each run is named by the workflow id the schedule gives it (<prefix>-<timestamp>).
      r.migrationId = null;
      List<String> problems = RequestValidator.problems(r);
      if (!problems.isEmpty()) {
        spec.commandLine().getErr().println("invalid request: " + String.join("; ", problems));
        return 2;
      }
      ScheduleSpec.Builder s = ScheduleSpec.newBuilder();
      if (when.cron != null) s.setCronExpressions(List.of(when.cron));
      else s.setIntervals(List.of(new ScheduleIntervalSpec(parseInterval(when.every))));
      Schedule schedule = Schedule.newBuilder()
          .setAction(ScheduleActionStartWorkflow.newBuilder()
              .setWorkflowType(MigrationWorkflow.class)
              .setArguments(r)
              .setOptions(WorkflowOptions.newBuilder()
                  .setWorkflowId("rehearsal-" + scheduleId)
                  .setTaskQueue(conn.taskQueue)
                  .build())
              .build())
          .setSpec(s.build())
          .setPolicy(SchedulePolicy.newBuilder()
              .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
              // A rehearsal missed while Temporal was down is not run late.
              .setCatchupWindow(Duration.ofMinutes(10))
              .build())
          .setState(ScheduleState.newBuilder().setPaused(paused)
              .setNote("migrator rehearsal of " + r.source.host + ":" + r.source.port + " -> " + r.target.host + ":"
                  + r.target.port + " " + r.schemas + "; " + stamp("created", operator, conn)).build())
          .build();
      java.util.Map<String, Object> memo = new java.util.LinkedHashMap<>();
      memo.put("createdBy", operator.who());
      memo.put("createdIdentity", conn.identity());
      memo.put("createdAt", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      schedules(conn).createSchedule(scheduleId, schedule, ScheduleOptions.newBuilder().setMemo(memo).build());
      out.println("created rehearsal schedule " + scheduleId + " (" + (when.cron != null ? "cron " + when.cron
          : "every " + when.every) + (paused ? ", paused" : "") + "; overlapping runs are skipped)");
      out.flush();
      return 0;
    }
  }

  @Command(name = "list", description = "List rehearsal schedules (those that start MigrationWorkflow).")
  static class ListSchedules implements Callable<Integer> {
    @Mixin Main.Connection conn;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<ScheduleListDescription> all = schedules(conn).listSchedules().collect(Collectors.toList());
      out.println(String.format(Locale.ROOT, "%-24s %-7s %-22s %-22s %s", "SCHEDULE", "PAUSED", "LAST RUN", "NEXT RUN",
          "SPEC"));
      for (ScheduleListDescription d : all) {
        if (!(d.getSchedule().getAction() instanceof ScheduleListActionStartWorkflow)
            || !MigrationWorkflow.WORKFLOW_TYPE.equals(
                ((ScheduleListActionStartWorkflow) d.getSchedule().getAction()).getWorkflow())) {
          continue;
        }
        var recent = d.getInfo().getRecentActions();
        var next = d.getInfo().getNextActionTimes();
        out.println(String.format(Locale.ROOT, "%-24s %-7s %-22s %-22s %s", d.getScheduleId(),
            d.getSchedule().getState().isPaused() ? "yes" : "no",
            recent.isEmpty() ? "-" : OnCallCommands.time(recent.get(recent.size() - 1).getStartedAt()),
            next.isEmpty() ? "-" : OnCallCommands.time(next.get(0)), spec(d.getSchedule().getSpec())));
      }
      out.flush();
      return 0;
    }

    static String spec(ScheduleSpec s) {
      List<String> parts = new ArrayList<>();
      if (s.getCronExpressions() != null) parts.addAll(s.getCronExpressions());
      if (s.getIntervals() != null) s.getIntervals().forEach(i -> parts.add("every " + i.getEvery()));
      if (s.getCalendars() != null && !s.getCalendars().isEmpty()) parts.add(s.getCalendars().size() + " calendar(s)");
      return String.join(", ", parts);
    }
  }

  @Command(name = "delete", description = "Delete a rehearsal schedule (runs already started continue).")
  static class Delete implements Callable<Integer> {
    @Mixin Main.Connection conn;
    @Mixin Main.Operator operator;
    @Spec CommandSpec spec;

    @Parameters(index = "0")
    String scheduleId;

    @Override
    public Integer call() {
      var handle = schedules(conn).getHandle(scheduleId);
      // The schedule goes with its note; the update before it stays in Temporal's own records of
      // the schedule (and says who, should the delete fail).
      recordChange(handle, stamp("deleting: requested", operator, conn));
      handle.delete();
      spec.commandLine().getOut().println("deleted rehearsal schedule " + scheduleId + " (by " + operator.who() + ")");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "trigger", description = "Run a rehearsal now (skipped if one of this schedule is still running).")
  static class Trigger implements Callable<Integer> {
    @Mixin Main.Connection conn;
    @Mixin Main.Operator operator;
    @Spec CommandSpec spec;

    @Parameters(index = "0")
    String scheduleId;

    @Override
    public Integer call() {
      var handle = schedules(conn).getHandle(scheduleId);
      recordChange(handle, stamp("triggered", operator, conn));
      // The schedule's own overlap policy (SKIP) applies to triggers too.
      handle.trigger();
      spec.commandLine().getOut().println("triggered rehearsal schedule " + scheduleId + " (by " + operator.who() + ")");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** One run of a schedule, as the report reads it. */
  static final class Run {
    final String workflowId;
    final Instant started;
    final String outcome;
    final MigrationStatus status;

    Run(String workflowId, Instant started, String outcome, MigrationStatus status) {
      this.workflowId = workflowId;
      this.started = started;
      this.outcome = outcome;
      this.status = status;
    }

    Long stepMillis(String step) {
      if (status == null) return null;
      return status.steps.stream().filter(s -> s.name.equals(step)).map(s -> s.durationMillis).findFirst().orElse(null);
    }

    Long rollbackMillis() {
      if (status == null || status.shadow.isEmpty()) return null;
      long sum = 0;
      for (CompensationState c : status.shadow) {
        if (c.startedAtMillis != null && c.endedAtMillis != null) sum += c.endedAtMillis - c.startedAtMillis;
      }
      return sum;
    }

    Long totalMillis() {
      if (status == null) return null;
      Long first = null;
      Long last = null;
      for (StepState s : status.steps) {
        if (s.startedAtMillis != null && (first == null || s.startedAtMillis < first)) first = s.startedAtMillis;
        if (s.endedAtMillis != null && (last == null || s.endedAtMillis > last)) last = s.endedAtMillis;
      }
      for (CompensationState c : status.shadow) {
        if (c.endedAtMillis != null && (last == null || c.endedAtMillis > last)) last = c.endedAtMillis;
      }
      return first == null || last == null ? null : last - first;
    }
  }

  @Command(name = "report", description = "Step durations of a schedule's recent rehearsals, newest compared with the "
      + "mean of the earlier ones.")
  static class Report implements Callable<Integer> {
    @Mixin Main.Connection conn;
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "schedule id")
    String scheduleId;

    @Option(names = "--runs", defaultValue = "5", description = "how many recent runs (default ${DEFAULT-VALUE})")
    int runs;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      WorkflowClient client = conn.client();
      String q = SCHEDULED_BY + " = '" + scheduleId.replace("'", "") + "' AND WorkflowType = '"
          + MigrationWorkflow.WORKFLOW_TYPE + "'";
      List<Run> found = new ArrayList<>();
      for (WorkflowExecutionMetadata m : client.listExecutions(q).limit(runs).collect(Collectors.toList())) {
        found.add(read(client, m));
      }
      out.print(render(scheduleId, found));
      out.flush();
      return 0;
    }

    private static Run read(WorkflowClient client, WorkflowExecutionMetadata m) {
      String wid = m.getExecution().getWorkflowId();
      WorkflowExecutionStatus st = m.getStatus();
      if (st == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
        WorkflowStub stub = client.newUntypedWorkflowStub(wid, Optional.of(m.getExecution().getRunId()), Optional.empty());
        MigrationResult res = stub.getResult(MigrationResult.class);
        return new Run(wid, m.getStartTime(), res.outcome, res.status);
      }
      MigrationStatus s = null;
      try {
        s = client.newWorkflowStub(MigrationWorkflow.class, wid).status();
      } catch (RuntimeException e) {
        // closed and no worker to answer: durations unknown
      }
      return new Run(wid, m.getStartTime(), OnCallCommands.status(st), s);
    }
  }

  /** The report text: runs newest first, then per-step durations with the comparison. */
  static String render(String scheduleId, List<Run> runs) {
    StringBuilder b = new StringBuilder();
    if (runs.isEmpty()) {
      return "no rehearsals of schedule " + scheduleId + " yet\n";
    }
    b.append("rehearsals of schedule ").append(scheduleId).append(" (newest first):\n");
    for (Run r : runs) {
      b.append(String.format(Locale.ROOT, "  %-58s %-20s %-12s %s%n", r.workflowId, OnCallCommands.time(r.started),
          r.outcome, fmt(r.totalMillis())));
    }
    Run newest = runs.get(0);
    List<Run> earlier = runs.subList(1, runs.size()).stream()
        .filter(r -> MigrationResult.ROLLED_BACK.equals(r.outcome)).collect(Collectors.toList());
    b.append(String.format(Locale.ROOT, "%n  %-10s %10s %16s %8s%n", "step", "newest",
        "mean of " + earlier.size() + " earlier", "change"));
    if (newest.status == null) {
      b.append("  (the newest run has no status to report)\n");
      return b.toString();
    }
    List<String> names = newest.status.steps.stream().map(s -> s.name).collect(Collectors.toList());
    for (String name : names) {
      row(b, name, newest.stepMillis(name), mean(earlier.stream().map(r -> r.stepMillis(name)).collect(Collectors.toList())));
    }
    row(b, "rollback", newest.rollbackMillis(), mean(earlier.stream().map(Run::rollbackMillis).collect(Collectors.toList())));
    row(b, "total", newest.totalMillis(), mean(earlier.stream().map(Run::totalMillis).collect(Collectors.toList())));
    return b.toString();
  }

  private static void row(StringBuilder b, String name, Long now, Long before) {
    String change = "";
    if (now != null && before != null && before > 0) {
      change = String.format(Locale.ROOT, "%+.0f%%", 100.0 * (now - before) / before);
    }
    b.append(String.format(Locale.ROOT, "  %-10s %10s %16s %8s%n", name, fmt(now), fmt(before), change));
  }

  static Long mean(List<Long> xs) {
    List<Long> known = xs.stream().filter(x -> x != null).collect(Collectors.toList());
    if (known.isEmpty()) return null;
    return Math.round(known.stream().mapToLong(Long::longValue).average().orElse(0));
  }

  static String fmt(Long ms) {
    return ms == null ? "-" : StatusPrinter.duration(ms, null, null);
  }
}
