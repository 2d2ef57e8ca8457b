package dev.migrator.cli;

import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationResult;
import dev.migrator.model.StepState;
import dev.migrator.worker.MigratorWorker;
import dev.migrator.testkit.temporal.TemporalTestServerProcess;
import dev.migrator.worker.WorkerConfig;
import dev.migrator.workflow.MigrationWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The copy benchmark: one sysbench data set in a local source (MariaDB or MySQL 9.7, {@code
 * --engine}), copied to a local target of the same engine by migrator (the real workflow; the copy
 * step's own duration), mydumper + myloader with the same thread count, mysqldump and a LOAD DATA
 * floor; with {@code --caught-up} also the whole path a user waits for, freeze to replication
 * caught up (migrator's workflow; mydumper + myloader + a replica started at the dump's recorded
 * position). Every result is verified against the source; the table is written as Markdown.
 */
@Command(name = "bench-copy", description = "Benchmark the copy against mydumper/myloader and mysqldump (needs sysbench, mydumper).")
public class BenchCopyCommand implements Callable<Integer> {
  @Option(names = "--engine", defaultValue = "mariadb", description = "mariadb or mysql (MySQL 9.7 from MIGRATOR_MYSQL_ROOT): source and target alike")
  String engine;

  @Option(names = "--tables", defaultValue = "8")
  int tables;

  @Option(names = "--rows", defaultValue = "500000", description = "rows per table")
  int rows;

  @Option(names = "--large-table-rows", defaultValue = "0",
      description = "one more table (sbtest<tables+1>) with this many rows, to show per-table parallelism; 0 = none")
  int largeTableRows;

  @Option(names = "--threads", defaultValue = "2")
  int threads;

  @Option(names = "--chunk-rows", defaultValue = "50000")
  long chunkRows;

  @Option(names = "--method", defaultValue = "live-consistent",
      description = "freeze method for migrator's run: live-consistent, physical-backup (MariaDB), clone (MySQL)")
  String method;

  @Option(names = "--write-method", description = "INSERT, LOAD_DATA or AUTO (frozen-copy methods); default: left out (the request's default, AUTO)")
  dev.migrator.model.CopyOptions.WriteMethod writeMethod;

  @Option(names = "--variant", description = "a migrator configuration to time, repeatable: comma-separated"
      + " key=value of method, chunkRows, parallelism (0 = rule of thumb), writeMethod, deferIndexes, transport (direct|staged),"
      + " targetChunkSeconds, chunksPerActivity, verify (inline|full), disableRedoLog; unset keys come from the other options. Default: one run with the other options.")
  List<String> variants = new ArrayList<>();

  @Option(names = "--repeat", defaultValue = "1", description = "run every tool this many times, interleaved; report medians")
  int repeat;

  @Option(names = "--defer-indexes", description = "migrator: copy.deferSecondaryIndexes true (the default since issue 18; deferIndexes=false in a variant for indexes first)")
  boolean deferIndexes;

  @Option(names = "--transport", defaultValue = "direct", description = "migrator: direct or staged (a temporary directory)")
  String transport;

  @Option(names = "--caught-up", description = "also time freeze -> replication caught up: migrator's workflow up to"
      + " the approve step, mydumper + myloader + a replica from the dump's position")
  boolean caughtUp;

  @Option(names = "--write-rate", defaultValue = "0", description = "with --caught-up: sysbench oltp_write_only"
      + " --rate=N (transactions/s) on the source from the start of each migrator/mydumper run until replication"
      + " has started (migrator: its catch-up step began); 0 = no write load")
  int writeRate;

  @Option(names = "--skip", split = ",", description = "rows to leave out, comma-separated: mysqldump, floor,"
      + " mydumper-0.10.1, mydumper-1.0.1")
  List<String> skip = new ArrayList<>();

  @Option(names = "--out", description = "append the Markdown result table to this file")
  Path out;

  @Option(names = "--mydumper-dir", defaultValue = "${env:MIGRATOR_SHARED_DIR:-../shared}/tools/mydumper-1.0.1",
      description = "a directory with a newer mydumper and myloader build (upstream 1.0.x) to compare with"
          + " as well as Debian's; absent: said so, Debian's only")
  Path newerMydumper;

  private static final List<String> SKIPPABLE = List.of("mysqldump", "floor", "mydumper-0.10.1", "mydumper-1.0.1");

  /** One mydumper build: where its binaries are ("" = PATH), its label, myloader's thread count (0 = its default). */
  record Dumper(String dir, String label, int loaderThreads) {
    String bin(String name) {
      return dir.isEmpty() ? name : Path.of(dir, name).toString();
    }
  }

  /** Debian's 0.10.1 with our threads; the newer build (when present) with myloader's defaults and with our threads. */
  List<Dumper> dumpers() {
    List<Dumper> out = new ArrayList<>();
    if (!skip.contains("mydumper-0.10.1")) out.add(new Dumper("", "mydumper 0.10.1 + myloader (Debian)", threads));
    if (skip.contains("mydumper-1.0.1")) return out;
    if (newerMydumper != null && Files.isExecutable(newerMydumper.resolve("mydumper"))
        && Files.isExecutable(newerMydumper.resolve("myloader"))) {
      String dir = newerMydumper.toAbsolutePath().normalize().toString();
      out.add(new Dumper(dir, "mydumper 1.0.1 + myloader (myloader's defaults)", 0));
      out.add(new Dumper(dir, "mydumper 1.0.1 + myloader --threads " + threads, threads));
    } else {
      say("no newer mydumper build at " + newerMydumper + " (see ../shared/tools/mydumper-1.0.1/README.md):"
          + " comparing with Debian's 0.10.1 only");
    }
    return out;
  }

  /**
   * One measured (or skipped: seconds NaN, the reason in detail) row. kind: "copy" or "caught-up",
   * the ratio columns compare within a kind; base: this is a mydumper row (ratio base candidate).
   */
  record Result(String tool, double seconds, String detail, boolean verified, String kind) {
    static Result skipped(String tool, String reason, String kind) {
      return new Result(tool, Double.NaN, "skipped: " + reason, true, kind);
    }

    boolean ran() {
      return !Double.isNaN(seconds);
    }
  }

  /** Rows in table order, each with its trials. */
  private final java.util.LinkedHashMap<String, List<Result>> slots = new java.util.LinkedHashMap<>();
  /** Why a tool could not run on this engine (first failure), so later rounds skip it at once. */
  private final java.util.Map<String, String> unusable = new java.util.HashMap<>();
  private LocalServer source;
  private LocalServer target;
  private String expected;
  private boolean mysql;

  private void add(String slot, Result r) {
    slots.computeIfAbsent(slot, k -> new ArrayList<>()).add(r);
  }

  @Override
  public Integer call() throws Exception {
    if (!engine.equals("mariadb") && !engine.equals("mysql")) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--engine: mariadb or mysql, not '" + engine + "'");
    }
    for (String k : skip) {
      if (!SKIPPABLE.contains(k)) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--skip: unknown row '" + k
            + "' (one of " + String.join(", ", SKIPPABLE) + ")");
      }
    }
    if (writeRate > 0 && !caughtUp) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--write-rate needs --caught-up (without replication the target cannot match a source under writes)");
    }
    mysql = engine.equals("mysql");
    try (LocalServer src = startServer("bench-src"); LocalServer dst = startServer("bench-dst")) {
      source = src;
      target = dst;
      say("sysbench prepare: " + tables + " tables x " + rows + " rows");
      // MySQL caches information_schema sizes for a day: the sizes below must be today's.
      if (mysql) source.sql("SET GLOBAL information_schema_stats_expiry = 0");
      source.sql("CREATE DATABASE sbtest");
      run(sysbench("sbtest", tables, rows, "oltp_read_write", "prepare"), "sysbench", null);
      if (largeTableRows > 0) {
        say("sysbench prepare: the large table sbtest" + (tables + 1) + ", " + largeTableRows + " rows");
        source.sql("CREATE DATABASE sbbig");
        run(sysbench("sbbig", 1, largeTableRows, "oltp_read_write", "prepare"), "sysbench", null);
        source.sql("RENAME TABLE sbbig.sbtest1 TO sbtest.sbtest" + (tables + 1), "DROP DATABASE sbbig");
      }
      List<String> made = source.queryRows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA='sbtest'");
      if (made.isEmpty()) throw new IllegalStateException("sysbench prepare made no tables in sbtest");
      for (String t : made) source.sql("ANALYZE TABLE sbtest.`" + t + "`");
      long totalRows = Long.parseLong(source.query("SELECT SUM(TABLE_ROWS) FROM information_schema.TABLES WHERE TABLE_SCHEMA='sbtest'"));
      long exactRows = (long) tables * rows + largeTableRows;
      double mib = Double.parseDouble(source.query(
          "SELECT SUM(DATA_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA='sbtest'")) / 1048576.0;
      expected = Contents.of(source, "sbtest");
      say(String.format(Locale.ROOT, "data: %d rows, %.0f MiB (InnoDB data length; estimate %d rows)", exactRows, mib, totalRows));
      // Each tool runs --repeat times, interleaved (so a noisy minute hits every tool alike); the
      // table shows each tool's median, its range in the notes.
      List<String> runs = variants.isEmpty() ? List.of("") : variants;
      List<Dumper> dumpers = dumpers();
      for (int rep = 1; rep <= repeat; rep++) {
        if (repeat > 1) say("round " + rep + " of " + repeat);
        for (int i = 0; i < runs.size(); i++) {
          Result[] r = migrator(runs.get(i));
          add("m" + i, r[0]);
          add("mv" + i, r[1]);
          if (caughtUp) add("mc" + i, r[2]);
          reset(target);
        }
        for (int i = 0; i < dumpers.size(); i++) {
          Result[] r = mydumper(dumpers.get(i));
          add("d" + i, r[0]);
          if (caughtUp) add("dc" + i, r[1]);
          reset(target);
        }
        add("dump", skip.contains("mysqldump") ? Result.skipped(mysqldumpLabel(), "--skip mysqldump", "copy") : mysqldump());
        reset(target);
        add("floor", skip.contains("floor") ? Result.skipped(FLOOR, "--skip floor", "copy") : loadDataFloor());
        reset(target);
      }
      // Order: migrator's copy rows, its copy + verify rows, its caught-up rows, the mydumper
      // builds, their caught-up rows, mysqldump, the floor.
      List<String> order = new ArrayList<>();
      for (String p : new String[] {"m", "mv", "mc"}) for (int i = 0; i < runs.size(); i++) order.add(p + i);
      for (String p : new String[] {"d", "dc"}) for (int i = 0; i < dumpers.size(); i++) order.add(p + i);
      order.add("dump");
      order.add("floor");
      List<Result> results = new ArrayList<>();
      for (String k : order) if (slots.containsKey(k)) results.add(median(slots.get(k)));

      // The ratio is against the newest mydumper run with our thread count (the comparison users
      // make), per kind (copy rows against its copy, caught-up rows against its caught-up row).
      String baseName = null;
      java.util.Map<String, Double> base = new java.util.HashMap<>();
      java.util.Map<String, Double> debian = new java.util.HashMap<>();
      for (int i = dumpers.size() - 1; i >= 0 && baseName == null; i--) {
        if (dumpers.get(i).loaderThreads() == 0) continue;
        Result c = median(slots.get("d" + i));
        if (!c.ran()) continue;
        baseName = dumpers.get(i).label().replace(" + myloader", "");
        base.put("copy", c.seconds());
        if (caughtUp && median(slots.get("dc" + i)).ran()) base.put("caught-up", median(slots.get("dc" + i)).seconds());
      }
      if (!dumpers.isEmpty() && dumpers.get(0).dir().isEmpty() && median(slots.get("d0")).ran()) {
        debian.put("copy", median(slots.get("d0")).seconds());
        if (caughtUp && median(slots.get("dc0")).ran()) debian.put("caught-up", median(slots.get("dc0")).seconds());
      }
      StringBuilder md = new StringBuilder();
      md.append(String.format(Locale.ROOT, "%n### %s: sysbench %d tables x %d rows%s (%.0f MiB), %d threads, %s%s%s%n%n",
          java.time.LocalDate.now(), tables, rows, largeTableRows > 0 ? " + 1 table x " + largeTableRows + " rows" : "",
          mib, threads, machine(), writeRate > 0 ? ", write load " + writeRate + " tx/s" : "",
          repeat > 1 ? ", median of " + repeat + " interleaved runs" : ""));
      md.append("| tool | wall time (s) | rows/s | MiB/s | speed vs " + (baseName == null ? "mydumper (none ran)" : baseName)
          + " | speed vs Debian's 0.10.1 | verified | notes |\n");
      md.append("|---|---:|---:|---:|---:|---:|---|---|\n");
      for (Result r : results) {
        if (!r.ran()) {
          md.append(String.format(Locale.ROOT, "| %s | – | – | – | – | – | – | %s |%n", r.tool(), r.detail()));
          continue;
        }
        md.append(String.format(Locale.ROOT, "| %s | %.2f | %,.0f | %.1f | %s | %s | %s | %s |%n", r.tool(), r.seconds(),
            exactRows / r.seconds(), mib / r.seconds(), ratio(base.get(r.kind()), r), ratio(debian.get(r.kind()), r),
            r.verified() ? "yes" : "NO", r.detail()));
      }
      StringBuilder cmd = new StringBuilder("bench/copy/run");
      if (mysql) cmd.append(" --engine mysql");
      cmd.append(String.format(Locale.ROOT, " --tables %d --rows %d --threads %d --chunk-rows %d --method %s",
          tables, rows, threads, chunkRows, method));
      if (writeMethod != null) cmd.append(" --write-method ").append(writeMethod);
      if (largeTableRows > 0) cmd.append(" --large-table-rows ").append(largeTableRows);
      if (deferIndexes) cmd.append(" --defer-indexes");
      if (!"direct".equals(transport)) cmd.append(" --transport ").append(transport);
      for (String v : variants) cmd.append(" --variant '").append(v).append("'");
      if (caughtUp) cmd.append(" --caught-up");
      if (writeRate > 0) cmd.append(" --write-rate ").append(writeRate);
      if (!skip.isEmpty()) cmd.append(" --skip ").append(String.join(",", skip));
      if (repeat > 1) cmd.append(" --repeat ").append(repeat);
      if (dumpers.stream().noneMatch(d -> !d.dir().isEmpty()) && !skip.contains("mydumper-1.0.1")) {
        cmd.append(" (no newer mydumper build found)");
      }
      md.append(String.format(Locale.ROOT, "%nCommand: `%s`%n", cmd));
      System.out.println(md);
      if (out != null) Files.writeString(out, md.toString(), java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      return results.stream().allMatch(Result::verified) ? 0 : 1;
    }
  }

  private static String ratio(Double base, Result r) {
    return base == null ? "–" : String.format(Locale.ROOT, "%.2f", base / r.seconds());
  }

  private LocalServer startServer(String name) {
    if (!mysql) return LocalMariaDb.start(name);
    // The clone plugin on both: the source is cloned from (clone freeze); harmless on the target.
    return LocalMySql.start(new LocalMySql.Options().name(name).clonePlugin(true));
  }

  /** sysbench against the source; on MySQL over TLS (caching_sha2_password through libmariadb needs it). */
  private ProcessBuilder sysbench(String db, int nTables, int size, String test, String command, String... extra) {
    List<String> cmd = new ArrayList<>(List.of("sysbench", test, "--db-driver=mysql",
        "--mysql-host=127.0.0.1", "--mysql-port=" + source.port(), "--mysql-user=root",
        "--mysql-password=" + source.rootPassword(), "--mysql-db=" + db, "--tables=" + nTables,
        "--table-size=" + size, "--threads=" + threads));
    ProcessBuilder pb = new ProcessBuilder();
    if (mysql) {
      // sysbench 1.0.20's --mysql-ssl=on reads client-key.pem, client-cert.pem and cacert.pem from
      // its working directory: the ones MySQL generated in the source's data directory.
      cmd.add("--mysql-ssl=on");
      Path tls = source.dir().resolve("sysbench-tls");
      try {
        if (!Files.isDirectory(tls)) {
          Files.createDirectories(tls);
          Files.createSymbolicLink(tls.resolve("client-key.pem"), source.dataDir().resolve("client-key.pem"));
          Files.createSymbolicLink(tls.resolve("client-cert.pem"), source.dataDir().resolve("client-cert.pem"));
          Files.createSymbolicLink(tls.resolve("cacert.pem"), source.dataDir().resolve("ca.pem"));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      pb.directory(tls.toFile());
    }
    cmd.addAll(List.of(extra));
    cmd.add(command);
    return source.withClientPassword(pb.command(cmd));
  }

  /**
   * The optional write load (--write-rate): sysbench oltp_write_only at a fixed rate on the
   * source's sysbench tables (not the large one), one thread, until {@link WriteLoadProcess#close}.
   */
  private final class WriteLoadProcess implements AutoCloseable {
    private final Process p;
    private final Path log;
    private boolean closed;

    WriteLoadProcess() throws IOException {
      log = Files.createTempFile("bench-load-", ".log");
      ProcessBuilder pb = sysbench("sbtest", tables, rows, "oltp_write_only", "run", "--rate=" + writeRate,
          "--time=0", "--events=0", "--report-interval=0");
      pb.command().set(pb.command().indexOf("--threads=" + threads), "--threads=1");
      p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Override
    public void close() throws Exception {
      if (closed) return;
      closed = true;
      if (!p.isAlive()) throw new IllegalStateException("the write load stopped early: " + Files.readString(log));
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      Files.deleteIfExists(log);
    }
  }

  private WriteLoadProcess writeLoad() throws IOException {
    return writeRate > 0 ? new WriteLoadProcess() : null;
  }

  /** After a run under write load the source has moved on: the target must equal it now. */
  private String expectedNow() {
    if (writeRate > 0) expected = Contents.of(source, "sbtest"); // and what the next tools copy
    return expected;
  }

  private CpuSampler cpu() {
    java.util.Map<Long, String> named = new java.util.HashMap<>();
    named.put(CpuSampler.pidOf(source.configFile()), "src");
    named.put(CpuSampler.pidOf(target.configFile()), "dst");
    named.remove(0L);
    return CpuSampler.start(named);
  }

  /** The copy step alone, copy + verify, and (with --caught-up) freeze -> caught up, of one migration. */
  private Result[] migrator(String variant) throws Exception {
    say("migrator: a real migration (method " + method + ") " + variant);
    Path stageDir = null;
    try (TemporalTestServerProcess temporal = TemporalTestServerProcess.start();
        MigratorWorker worker = MigratorWorker.start(new WorkerConfig().target(temporal.target()))) { // sticky, as in production
      MigrationRequest r = new MigrationRequest();
      r.migrationId = "bench-" + System.currentTimeMillis();
      r.source = source.endpoint();
      r.target = target.endpoint();
      r.schemas = List.of("sbtest");
      r.method = method;
      r.copy.chunkRows = chunkRows;
      r.copy.parallelism = threads;
      r.copy.writeMethod = writeMethod;
      r.copy.deferSecondaryIndexes = deferIndexes ? Boolean.TRUE : null; // left out: the request's default
      r.copy.transport = transport;
      for (String kv : variant.split(",")) {
        if (kv.isBlank()) continue;
        String k = kv.substring(0, kv.indexOf('=')).trim();
        String v = kv.substring(kv.indexOf('=') + 1).trim();
        switch (k) {
          case "method" -> r.method = v;
          case "disableRedoLog" -> r.copy.disableRedoLog = Boolean.parseBoolean(v);
          case "chunkRows" -> r.copy.chunkRows = Long.parseLong(v);
          case "parallelism" -> r.copy.parallelism = Integer.parseInt(v);
          case "writeMethod" -> r.copy.writeMethod = dev.migrator.model.CopyOptions.WriteMethod.valueOf(v);
          case "deferIndexes" -> r.copy.deferSecondaryIndexes = Boolean.parseBoolean(v);
          case "transport" -> r.copy.transport = v;
          case "targetChunkSeconds" -> r.copy.targetChunkSeconds = Double.parseDouble(v);
          case "chunksPerActivity" -> r.copy.chunksPerActivity = Integer.parseInt(v);
          case "verify" -> r.verify.mode = v;
          default -> throw new IllegalArgumentException("--variant: unknown key '" + k + "'");
        }
      }
      if ("staged".equals(r.copy.transport)) {
        stageDir = Files.createTempDirectory("bench-stage-");
        r.copy.stage = new dev.migrator.model.StageOptions();
        r.copy.stage.location = stageDir.toString();
      }
      r.replication.password = source.rootPasswordRef();
      // Caught up: the breakpoint right after the catch-up step; polled each second (the default
      // is 2) so the poll interval adds little to the measured path.
      r.replication.pollSeconds = 1;
      r.pauseBefore = List.of(caughtUp ? "approve" : "replicate");
      MigrationWorkflow wf = worker.client().newWorkflowStub(MigrationWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(r.migrationId).setTaskQueue(MigrationWorkflow.TASK_QUEUE).build());
      CpuSampler cpu = cpu();
      String cpuNote;
      try (WriteLoadProcess load = writeLoad()) {
        WriteLoadProcess running = load;
        WorkflowClient.start(wf::run, r);
        while (true) {
          var s = wf.status();
          if (running != null && "catch-up".equals(s.currentStep)) {
            running.close(); // replication runs: stop the writes, the catch-up's final position comes after
            running = null;
          }
          if (s.pausedReason != null && s.pausedReason.startsWith("breakpoint")) break;
          if (s.paused && !s.allowedDecisions.isEmpty()) throw new IllegalStateException("migration paused: " + s.pausedReason);
          Thread.sleep(200);
        }
        if (running != null) running.close();
      } finally {
        cpuNote = cpu.stop();
      }
      var s = wf.status();
      boolean ok = Contents.of(target, "sbtest").equals(expectedNow()) && s.verify != null && s.verify.ok;
      wf.rollback("benchmark done");
      WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);
      boolean deferred = !Boolean.FALSE.equals(r.copy.deferSecondaryIndexes); // the default since issue 18
      String label = "migrator (" + r.method + (r.method.equals("live-consistent")
          ? ", " + (r.copy.parallelism > 0 ? r.copy.parallelism : dev.migrator.adapters.CopyActivitiesImpl.LIVE_DEFAULT_READERS) + " connections sharing the snapshot" : ", "
          + (r.copy.writeMethod == null ? "AUTO" : r.copy.writeMethod)
          + ", " + r.copy.transport + ", " + r.copy.chunkRows + " rows/chunk, " + s.copy.sizing
          + (deferred ? ", indexes deferred" : ", indexes first")
          + (r.copy.disableRedoLog ? ", redo log off" : "")
          + (r.copy.targetChunkSeconds > 0 ? ", adaptive " + r.copy.targetChunkSeconds + " s/chunk" : "")
          + (r.copy.chunksPerActivity > 0 ? ", " + r.copy.chunksPerActivity + " chunk(s)/activity" : "")) + ")";
      String mode = r.verify.mode == null ? "default" : r.verify.mode;
      double copy = step(s, "copy").durationMillis / 1000.0;
      double verify = step(s, "verify").durationMillis / 1000.0;
      String whole = caughtUp ? "; " + cpuNote + " (whole run, validate to catch-up)" : "; " + cpuNote + " (whole run, validate to release)";
      Result[] out = new Result[3];
      out[0] = new Result(label, copy, String.format(Locale.ROOT, "copy step%s; verify step (%s) %.2f s more%s",
          deferred ? " incl. building the deferred indexes" : "", mode, verify, whole), ok, "copy");
      out[1] = new Result(label + ": copy + verify (" + mode + ")", copy + verify,
          "copy and verify steps (mydumper's rows verify nothing)", ok, "copy");
      if (caughtUp) {
        StepState freeze = step(s, "freeze");
        StepState catchUp = step(s, "catch-up");
        StringBuilder parts = new StringBuilder("freeze step start to caught up:");
        for (StepState x : s.steps) {
          if (x.number < freeze.number || x.number > catchUp.number || x.durationMillis == null) continue;
          parts.append(String.format(Locale.ROOT, " %s %.2f s,", x.name, x.durationMillis / 1000.0));
        }
        parts.setLength(parts.length() - 1);
        out[2] = new Result(label + ": freeze -> caught up", (catchUp.endedAtMillis - freeze.startedAtMillis) / 1000.0,
            parts + "; " + cpuNote, ok, "caught-up");
      }
      return out;
    } finally {
      if (stageDir != null) deleteTree(stageDir);
    }
  }

  private static StepState step(dev.migrator.model.MigrationStatus s, String name) {
    return s.steps.stream().filter(x -> x.name.equals(name)).findFirst().orElseThrow();
  }

  /** mydumper + myloader; with --caught-up, then a replica from the dump's position until caught up. */
  private Result[] mydumper(Dumper d) throws Exception {
    String caughtLabel = d.label() + " + replica: freeze -> caught up";
    if (unusable.containsKey(d.label())) {
      return new Result[] {Result.skipped(d.label(), unusable.get(d.label()), "copy"),
          Result.skipped(caughtLabel, unusable.get(d.label()), "caught-up")};
    }
    say(d.label());
    Path dir = Files.createTempDirectory("bench-mydumper-");
    CpuSampler cpu = cpu();
    String cpuNote = null;
    try (WriteLoadProcess load = writeLoad()) {
      long t0 = System.nanoTime();
      List<String> dump = new ArrayList<>(List.of(d.bin("mydumper"), "-h", "127.0.0.1", "-P", String.valueOf(source.port()),
          "-u", "root", "-p", source.rootPassword(), "-B", "sbtest", "-t", String.valueOf(threads), "-r",
          String.valueOf(chunkRows), "-o", dir.toString()));
      if (mysql) dump.add("--ssl"); // caching_sha2_password through libmariadb: over TLS
      // 1.0.1 detects the version through libmariadb and asks SHOW MASTER STATUS, gone since MySQL 8.4.
      if (mysql && !d.dir().isEmpty()) dump.add("--server-version=mysql-" + source.query("SELECT VERSION()").replaceAll("-.*", ""));
      // 1.0.1 parses EXPLAIN's traditional table to size chunks and crashes (SIGSEGV in
      // get_rows_from_explain) on MySQL 9.7's default explain_format=TREE: traditional while it dumps.
      String explain = mysql && !d.dir().isEmpty() ? source.query("SELECT @@GLOBAL.explain_format") : null;
      if (explain != null) source.sql("SET GLOBAL explain_format = TRADITIONAL");
      String failed;
      try {
        failed = runOrReason(new ProcessBuilder(dump), "mydumper");
      } finally {
        if (explain != null) source.sql("SET GLOBAL explain_format = " + explain);
      }
      long t1 = System.nanoTime();
      if (failed == null) {
        List<String> loadCmd = new ArrayList<>(List.of(d.bin("myloader"), "-h", "127.0.0.1", "-P",
            String.valueOf(target.port()), "-u", "root", "-p", target.rootPassword(), "-d", dir.toString(), "-o"));
        if (d.loaderThreads() > 0) loadCmd.addAll(List.of("-t", String.valueOf(d.loaderThreads())));
        if (mysql) loadCmd.add("--ssl");
        failed = runOrReason(new ProcessBuilder(loadCmd), "myloader");
      }
      if (failed != null) {
        unusable.put(d.label(), failed);
        say("  " + d.label() + " cannot run here, skipped: " + failed);
        return new Result[] {Result.skipped(d.label(), failed, "copy"), Result.skipped(caughtLabel, failed, "caught-up")};
      }
      long t2 = System.nanoTime();
      String copyNotes = String.format(Locale.ROOT, "dump %.2f s, load %.2f s", (t1 - t0) / 1e9, (t2 - t1) / 1e9)
          + (explain != null ? " (explain_format=TRADITIONAL while dumping)" : "");
      if (!caughtUp) {
        cpuNote = cpu.stop();
        return new Result[] {new Result(d.label(), (t2 - t0) / 1e9, copyNotes + "; " + cpuNote,
            Contents.of(target, "sbtest").equals(expected), "copy"), null};
      }
      String[] at = dumpPosition(dir.resolve("metadata"));
      if (at == null) {
        // 0.10.1 asks SHOW MASTER STATUS, which MySQL 8.4+ no longer has: no position to replicate from.
        cpuNote = cpu.stop();
        if (load != null) load.close();
        String why = "its metadata file records no binary log position" + (mysql ? " (it asks SHOW MASTER STATUS, gone since MySQL 8.4)" : "");
        if (writeRate > 0) {
          expectedNow();
          String both = why + "; under write load its copy cannot be checked without one";
          return new Result[] {Result.skipped(d.label(), both, "copy"), Result.skipped(caughtLabel, both, "caught-up")};
        }
        return new Result[] {new Result(d.label(), (t2 - t0) / 1e9, copyNotes + "; " + cpuNote,
            Contents.of(target, "sbtest").equals(expectedNow()), "copy"), Result.skipped(caughtLabel, why, "caught-up")};
      }
      startReplica(at);
      if (load != null) load.close(); // replication runs: stop the writes before reading the position to wait for
      String[] want = source.binlogPosition();
      awaitApplied(want);
      long t3 = System.nanoTime();
      cpuNote = cpu.stop();
      target.resetReplication();
      String now = expectedNow();
      boolean ok = Contents.of(target, "sbtest").equals(now);
      return new Result[] {
          new Result(d.label(), (t2 - t0) / 1e9, copyNotes + (writeRate > 0 ? " (under write load)" : ""), ok, "copy"),
          new Result(caughtLabel, (t3 - t0) / 1e9, copyNotes + String.format(Locale.ROOT,
              ", replica from %s:%s until applied %s:%s %.2f s; %s", at[0], at[1], want[0], want[1], (t3 - t2) / 1e9, cpuNote),
              ok, "caught-up")};
    } finally {
      if (cpuNote == null) cpu.close();
      if (caughtUp) {
        try {
          target.resetReplication();
        } catch (RuntimeException ignored) {
          // not a replica (the dump failed)
        }
      }
      deleteTree(dir);
    }
  }

  /**
   * The source's binary log file and position mydumper recorded for its snapshot, from its
   * metadata file: 0.10.1 writes "Log: f" / "Pos: n" under SHOW MASTER STATUS, 1.0.1 a [source]
   * section with commented-out "# SOURCE_LOG_FILE = "f"" / "# SOURCE_LOG_POS = n" (ready to
   * uncomment for myloader). Null when there is none.
   */
  static String[] dumpPosition(Path metadata) throws IOException {
    String file = null;
    String pos = null;
    for (String line : Files.readAllLines(metadata)) {
      String l = line.trim();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:#\\s*)?(Log|File|SOURCE_LOG_FILE|MASTER_LOG_FILE)\\s*[:=]\\s*(\\S+)$").matcher(l);
      if (m.matches() && file == null) file = m.group(2).replace("'", "").replace("\"", "");
      m = java.util.regex.Pattern.compile("^(?:#\\s*)?(Pos|Position|SOURCE_LOG_POS|MASTER_LOG_POS)\\s*[:=]\\s*(\\d+)$").matcher(l);
      if (m.matches() && pos == null) pos = m.group(2);
    }
    return file == null || pos == null ? null : new String[] {file, pos};
  }

  /** The target as a replica of the source from {@code at} (root on both; MySQL over TLS). */
  private void startReplica(String[] at) {
    String pw = "'" + source.rootPassword().replace("\\", "\\\\").replace("'", "''") + "'";
    if (mysql) {
      target.sql("STOP REPLICA", "RESET REPLICA ALL",
          "CHANGE REPLICATION SOURCE TO SOURCE_HOST='127.0.0.1', SOURCE_PORT=" + source.port()
              + ", SOURCE_USER='root', SOURCE_PASSWORD=" + pw + ", SOURCE_LOG_FILE='" + at[0] + "', SOURCE_LOG_POS=" + at[1]
              + ", SOURCE_AUTO_POSITION=0, SOURCE_SSL=1, SOURCE_CONNECT_RETRY=1",
          "START REPLICA");
    } else {
      target.sql("STOP SLAVE", "RESET SLAVE ALL",
          "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + source.port()
              + ", MASTER_USER='root', MASTER_PASSWORD=" + pw + ", MASTER_LOG_FILE='" + at[0]
              + "', MASTER_LOG_POS=" + at[1] + ", MASTER_USE_GTID=no, MASTER_CONNECT_RETRY=1",
          "START SLAVE");
    }
  }

  /** Waits until the replica's SQL thread has executed the source's binary log up to {@code want}. */
  private void awaitApplied(String[] want) throws Exception {
    String fileCol = mysql ? "Relay_Source_Log_File" : "Relay_Master_Log_File";
    String posCol = mysql ? "Exec_Source_Log_Pos" : "Exec_Master_Log_Pos";
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(60);
    try (java.sql.Connection c = target.connect(); java.sql.Statement st = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (java.sql.ResultSet rs = st.executeQuery(mysql ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS")) {
          if (!rs.next()) throw new IllegalStateException("the target is not a replica");
          String err = rs.getString("Last_SQL_Error");
          if (err != null && !err.isEmpty()) throw new IllegalStateException("replica SQL error: " + err);
          err = rs.getString("Last_IO_Error");
          if (err != null && !err.isEmpty()) throw new IllegalStateException("replica IO error: " + err);
          String f = rs.getString(fileCol);
          long p = rs.getLong(posCol);
          int cmp = f == null ? -1 : f.compareTo(want[0]);
          if (cmp > 0 || (cmp == 0 && p >= Long.parseLong(want[1]))) return;
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("the replica did not reach " + want[0] + ":" + want[1] + " in 60 minutes");
  }

  private String mysqldumpLabel() {
    return mysql ? "mysqldump \\| mysql (MySQL's own)" : "mysqldump \\| mariadb";
  }

  private Result mysqldump() throws Exception {
    say(mysqldumpLabel().replace("\\", ""));
    target.sql("CREATE DATABASE sbtest");
    String cmd;
    if (mysql) {
      // Debian's mysqldump is MariaDB's: MySQL 9.7's own from the MySQL root, into its own client.
      dev.migrator.servers.MySqlServer my = ((LocalMySql) source).installation();
      cmd = shell(my.program("usr/bin/mysqldump", "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P",
          String.valueOf(source.port()), "-u", "root", "--ssl-mode=PREFERRED", "--single-transaction",
          "--set-gtid-purged=OFF", "sbtest")) + " --password=\"$SRC_PW\" | MYSQL_PWD=\"$DST_PW\" "
          + shell(target.clientCommand()) + " sbtest";
    } else {
      cmd = "mysqldump -h 127.0.0.1 -P " + source.port() + " -u root --password=\"$SRC_PW\" --single-transaction"
          + " sbtest | mariadb -h 127.0.0.1 -P " + target.port() + " -u root --password=\"$DST_PW\" sbtest";
    }
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-o", "pipefail", "-c", cmd);
    pb.environment().put("SRC_PW", source.rootPassword());
    pb.environment().put("DST_PW", target.rootPassword());
    CpuSampler cpu = cpu();
    long t0 = System.nanoTime();
    run(pb, "mysqldump", null);
    long t1 = System.nanoTime();
    String cpuNote = cpu.stop();
    return new Result(mysqldumpLabel(), (t1 - t0) / 1e9, "single stream; " + cpuNote,
        Contents.of(target, "sbtest").equals(expected), "copy");
  }

  private static String shell(List<String> argv) {
    StringBuilder sb = new StringBuilder();
    for (String a : argv) sb.append(sb.length() == 0 ? "" : " ").append('\'').append(a.replace("'", "'\\''")).append('\'');
    return sb.toString();
  }

  private static final String FLOOR = "LOAD DATA INFILE of ready files (floor)";

  /**
   * The load side's practical floor (issue 3): ready tab-separated files (SELECT ... INTO OUTFILE
   * on the source, not timed) loaded with server-side LOAD DATA INFILE into the target, {@code
   * threads} tables at a time, with the same session settings as migrator's writer. On MySQL
   * secure_file_priv allows one directory per server: written into the source's, moved into the
   * target's before timing.
   */
  private Result loadDataFloor() throws Exception {
    say("LOAD DATA INFILE of ready files, " + threads + " tables at a time (the load floor)");
    Path dir = Files.createTempDirectory("bench-floor-");
    Path writeDir = mysql ? ((LocalMySql) source).filesDir() : dir;
    Path readDir = mysql ? ((LocalMySql) target).filesDir() : dir;
    List<String> names = new ArrayList<>();
    try {
      target.sql("CREATE DATABASE sbtest");
      try (java.sql.Connection src = source.connect(); java.sql.Connection dst = target.connect();
          java.sql.Statement ss = src.createStatement(); java.sql.Statement ds = dst.createStatement()) {
        try (java.sql.ResultSet rs = ss.executeQuery("SELECT TABLE_NAME FROM information_schema.TABLES"
            + " WHERE TABLE_SCHEMA='sbtest' ORDER BY TABLE_NAME")) {
          while (rs.next()) names.add(rs.getString(1));
        }
        ds.execute("USE sbtest");
        for (String t : names) {
          try (java.sql.ResultSet rs = ss.executeQuery("SHOW CREATE TABLE sbtest.`" + t + "`")) {
            rs.next();
            ds.execute(rs.getString(2));
          }
          Files.deleteIfExists(writeDir.resolve(t + ".tsv"));
          ss.execute("SELECT * INTO OUTFILE '" + writeDir.resolve(t + ".tsv") + "' FROM sbtest.`" + t + "`");
          if (!writeDir.equals(readDir)) {
            Files.move(writeDir.resolve(t + ".tsv"), readDir.resolve(t + ".tsv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      CpuSampler cpu = cpu();
      long t0 = System.nanoTime();
      try {
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (String t : names) {
          done.add(pool.submit(() -> {
            try (java.sql.Connection dst = target.connect(); java.sql.Statement st = dst.createStatement()) {
              st.execute("SET SESSION foreign_key_checks = 0");
              st.execute("SET SESSION unique_checks = 0");
              st.execute("SET SESSION sql_log_bin = 0");
              st.execute("LOAD DATA INFILE '" + readDir.resolve(t + ".tsv") + "' INTO TABLE sbtest.`" + t + "`");
            }
            return null;
          }));
        }
        for (java.util.concurrent.Future<?> f : done) f.get();
      } finally {
        pool.shutdown();
      }
      long t1 = System.nanoTime();
      String cpuNote = cpu.stop();
      return new Result(FLOOR, (t1 - t0) / 1e9, "load only; the files were written before timing; " + cpuNote,
          Contents.of(target, "sbtest").equals(expected), "copy");
    } finally {
      for (String t : names) Files.deleteIfExists(readDir.resolve(t + ".tsv"));
      deleteTree(dir);
    }
  }

  /** The median trial (by time), its notes extended with the range; verified only if all were. */
  static Result median(List<Result> trials) {
    List<Result> sorted = new ArrayList<>(trials);
    sorted.sort(java.util.Comparator.comparingDouble(Result::seconds));
    Result m = sorted.get(sorted.size() / 2);
    boolean allOk = trials.stream().allMatch(Result::verified);
    if (trials.size() == 1) return m;
    if (!m.ran()) return m;
    return new Result(m.tool(), m.seconds(), m.detail() + String.format(Locale.ROOT, "; range %.2f-%.2f s",
        sorted.get(0).seconds(), sorted.get(sorted.size() - 1).seconds()), allOk, m.kind());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var w = Files.walk(dir)) {
      w.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  private static void reset(LocalServer target) {
    target.sql("DROP DATABASE IF EXISTS sbtest");
  }

  private interface Before {
    void run() throws Exception;
  }

  private static void run(ProcessBuilder pb, String what, Before before) throws Exception {
    if (before != null) before.run();
    String failed = runOrReason(pb, what);
    if (failed != null) throw new IllegalStateException(failed);
  }

  /** Runs a tool; null when it succeeded, else "what failed: its last output line" (for a skip reason). */
  private static String runOrReason(ProcessBuilder pb, String what) throws Exception {
    Path log = Files.createTempFile("bench-", ".log");
    try {
      Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      // sysbench 1.0.20 exits 0 after "FATAL: unable to connect".
      if (p.waitFor(60, TimeUnit.MINUTES) && p.exitValue() == 0 && !(what.equals("sysbench") && Files.readString(log).contains("FATAL:"))) {
        if (System.getenv("MIGRATOR_BENCH_DEBUG") != null) say(what + " output: " + Files.readString(log));
        return null;
      }
      p.destroyForcibly();
      List<String> lines = Files.readAllLines(log).stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
      String last = lines.isEmpty() ? "exit " + (p.isAlive() ? "timeout" : p.exitValue()) : lines.get(lines.size() - 1);
      say(what + " failed, its output: " + String.join(" / ", lines));
      return what + " failed: " + (last.length() > 200 ? last.substring(0, 200) + "..." : last).replace("|", "\\|");
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private String machine() {
    String cpu = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (IOException ignored) {
      // not Linux
    }
    String v = source.query("SELECT VERSION()");
    String version = mysql ? "MySQL " + v : "MariaDB " + v.replaceAll("-MariaDB.*", "");
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + version + " -> same, loopback";
  }

  private static void say(String s) {
    System.out.println("[bench] " + s);
  }
}
