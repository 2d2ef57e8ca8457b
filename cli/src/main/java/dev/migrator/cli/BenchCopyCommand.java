package dev.migrator.cli;

import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
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
 * The copy benchmark: one sysbench data set in a local MariaDB source, copied to a local MariaDB
 * target by migrator (the real workflow; the copy step's own duration), mydumper + myloader with
 * the same thread count, and mysqldump --single-transaction | mariadb. Every result is verified
 * against the source; the table is written as Markdown.
 */
@Command(name = "bench-copy", description = "Benchmark the copy against mydumper/myloader and mysqldump (needs sysbench, mydumper).")
public class BenchCopyCommand implements Callable<Integer> {
  @Option(names = "--tables", defaultValue = "8")
  int tables;

  @Option(names = "--rows", defaultValue = "500000", description = "rows per table")
  int rows;

  @Option(names = "--threads", defaultValue = "2")
  int threads;

  @Option(names = "--chunk-rows", defaultValue = "50000")
  long chunkRows;

  @Option(names = "--method", defaultValue = "live-consistent", description = "freeze method for migrator's run")
  String method;

  @Option(names = "--write-method", defaultValue = "LOAD_DATA", description = "INSERT or LOAD_DATA (frozen-copy methods)")
  dev.migrator.model.CopyOptions.WriteMethod writeMethod;

  @Option(names = "--variant", description = "a migrator configuration to time, repeatable: comma-separated"
      + " key=value of chunkRows, parallelism (0 = rule of thumb), writeMethod, deferIndexes, transport (direct|staged),"
      + " targetChunkSeconds, chunksPerActivity, verify (inline|full); unset keys come from the other options. Default: one run with the other options.")
  List<String> variants = new ArrayList<>();

  @Option(names = "--repeat", defaultValue = "1", description = "run every tool this many times, interleaved; report medians")
  int repeat;

  @Option(names = "--defer-indexes", description = "migrator: copy.deferSecondaryIndexes (built as each table finishes, inside the copy step)")
  boolean deferIndexes;

  @Option(names = "--transport", defaultValue = "direct", description = "migrator: direct or staged (a temporary directory)")
  String transport;

  @Option(names = "--out", description = "append the Markdown result table to this file")
  Path out;

  @Option(names = "--mydumper-dir", defaultValue = "${env:MIGRATOR_SHARED_DIR:-../shared}/tools/mydumper-1.0.1",
      description = "a directory with a newer mydumper and myloader build (upstream 1.0.x) to compare with"
          + " as well as Debian's; absent: said so, Debian's only")
  Path newerMydumper;

  /** One mydumper build: where its binaries are ("" = PATH), its label, myloader's thread count (0 = its default). */
  record Dumper(String dir, String label, int loaderThreads) {
    String bin(String name) {
      return dir.isEmpty() ? name : Path.of(dir, name).toString();
    }
  }

  /** Debian's 0.10.1 with our threads; the newer build (when present) with myloader's defaults and with our threads. */
  List<Dumper> dumpers() {
    List<Dumper> out = new ArrayList<>(List.of(new Dumper("", "mydumper 0.10.1 + myloader (Debian)", threads)));
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

  record Result(String tool, double seconds, String detail, boolean verified) {}

  @Override
  public Integer call() throws Exception {
    try (LocalMariaDb source = LocalMariaDb.start("bench-src"); LocalMariaDb target = LocalMariaDb.start("bench-dst")) {
      say("sysbench prepare: " + tables + " tables x " + rows + " rows");
      run(source.withClientPassword(new ProcessBuilder("sysbench", "oltp_read_write", "--db-driver=mysql",
          "--mysql-host=127.0.0.1", "--mysql-port=" + source.port(), "--mysql-user=root",
          "--mysql-password=" + source.rootPassword(), "--mysql-db=sbtest", "--tables=" + tables,
          "--table-size=" + rows, "--threads=" + threads, "prepare")), "sysbench", () -> source.sql("CREATE DATABASE sbtest"));
      long totalRows = Long.parseLong(source.query("SELECT SUM(TABLE_ROWS) FROM information_schema.TABLES WHERE TABLE_SCHEMA='sbtest'"));
      long exactRows = (long) tables * rows;
      double mib = Double.parseDouble(source.query(
          "SELECT SUM(DATA_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA='sbtest'")) / 1048576.0;
      String expected = Contents.of(source, "sbtest");
      say(String.format(Locale.ROOT, "data: %d rows, %.0f MiB (InnoDB data length; estimate %d rows)", exactRows, mib, totalRows));
      // Each tool runs --repeat times, interleaved (so a noisy minute hits every tool alike); the
      // table shows each tool's median, its range in the notes.
      List<String> runs = variants.isEmpty() ? List.of("") : variants;
      List<Dumper> dumpers = dumpers();
      List<List<Result>> trials = new ArrayList<>();
      List<List<Result>> withVerify = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) withVerify.add(new ArrayList<>());
      for (int i = 0; i < runs.size() + dumpers.size() + 2; i++) trials.add(new ArrayList<>());
      for (int rep = 1; rep <= repeat; rep++) {
        if (repeat > 1) say("round " + rep + " of " + repeat);
        int k = 0;
        for (String v : runs) {
          Result[] copyAndVerify = migrator(source, target, expected, v);
          withVerify.get(k).add(copyAndVerify[1]);
          trials.get(k++).add(copyAndVerify[0]);
          reset(target);
        }
        for (Dumper d : dumpers) {
          trials.get(k++).add(mydumper(source, target, expected, d));
          reset(target);
        }
        trials.get(k++).add(mysqldump(source, target, expected));
        reset(target);
        trials.get(k).add(loadDataFloor(source, target, expected));
        reset(target);
      }
      List<Result> results = new ArrayList<>();
      for (List<Result> t : trials) results.add(median(t));
      // Order: migrator's copy rows, its copy + verify rows, the mydumper builds, mysqldump, the floor.
      for (int i = 0; i < withVerify.size(); i++) results.add(runs.size() + i, median(withVerify.get(i)));
      int migratorRows = 2 * runs.size();

      // The ratio is against the newest mydumper run with our thread count (the comparison users make).
      Result baseRow = results.get(migratorRows + dumpers.size() - 1);
      double base = baseRow.seconds();
      StringBuilder md = new StringBuilder();
      md.append(String.format(Locale.ROOT, "%n### %s: sysbench %d tables x %d rows (%.0f MiB), %d threads, %s%s%n%n",
          java.time.LocalDate.now(), tables, rows, mib, threads, machine(),
          repeat > 1 ? ", median of " + repeat + " interleaved runs" : ""));
      double debian = results.get(migratorRows).seconds();
      md.append("| tool | wall time (s) | rows/s | MiB/s | speed vs " + baseRow.tool().replace(" + myloader", "")
          + " | speed vs Debian's 0.10.1 | verified | notes |\n");
      md.append("|---|---:|---:|---:|---:|---:|---|---|\n");
      for (Result r : results) {
        md.append(String.format(Locale.ROOT, "| %s | %.2f | %,.0f | %.1f | %.2f | %.2f | %s | %s |%n", r.tool(), r.seconds(),
            exactRows / r.seconds(), mib / r.seconds(), base / r.seconds(), debian / r.seconds(),
            r.verified() ? "yes" : "NO", r.detail()));
      }
      StringBuilder cmd = new StringBuilder(String.format(Locale.ROOT,
          "bench/copy/run --tables %d --rows %d --threads %d --chunk-rows %d --method %s --write-method %s",
          tables, rows, threads, chunkRows, method, writeMethod));
      if (deferIndexes) cmd.append(" --defer-indexes");
      if (!"direct".equals(transport)) cmd.append(" --transport ").append(transport);
      for (String v : variants) cmd.append(" --variant '").append(v).append("'");
      if (repeat > 1) cmd.append(" --repeat ").append(repeat);
      if (dumpers.size() == 1) cmd.append(" (no newer mydumper build found)");
      md.append(String.format(Locale.ROOT, "%nCommand: `%s`%n", cmd));
      System.out.println(md);
      if (out != null) Files.writeString(out, md.toString(), java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      return results.stream().allMatch(Result::verified) ? 0 : 1;
    }
  }

  /** The copy step alone, and copy + verify, of one migration. */
  private Result[] migrator(LocalMariaDb source, LocalMariaDb target, String expected, String variant) throws Exception {
    say("migrator: copy step of a real migration (method " + method + ") " + variant);
    Path stageDir = null;
    try (TemporalTestServerProcess temporal = TemporalTestServerProcess.start();
        MigratorWorker worker = MigratorWorker.start(new WorkerConfig().target(temporal.target()))) { // sticky, as in production
      MigrationRequest r = new MigrationRequest();
      r.migrationId = "bench-" + System.currentTimeMillis();
      r.source = new Endpoint(source.host(), source.port(), "root", source.rootPasswordRef());
      r.target = new Endpoint(target.host(), target.port(), "root", target.rootPasswordRef());
      r.schemas = List.of("sbtest");
      r.method = method;
      r.copy.chunkRows = chunkRows;
      r.copy.parallelism = threads;
      r.copy.writeMethod = writeMethod;
      r.copy.deferSecondaryIndexes = deferIndexes;
      r.copy.transport = transport;
      for (String kv : variant.split(",")) {
        if (kv.isBlank()) continue;
        String k = kv.substring(0, kv.indexOf('=')).trim();
        String v = kv.substring(kv.indexOf('=') + 1).trim();
        switch (k) {
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
      r.pauseBefore = List.of("replicate"); // the copy and verify are what is measured
      MigrationWorkflow wf = worker.client().newWorkflowStub(MigrationWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(r.migrationId).setTaskQueue(MigrationWorkflow.TASK_QUEUE).build());
      WorkflowClient.start(wf::run, r);
      while (true) {
        var s = wf.status();
        if (s.pausedReason != null && s.pausedReason.startsWith("breakpoint")) break;
        if (s.paused && !s.allowedDecisions.isEmpty()) throw new IllegalStateException("migration paused: " + s.pausedReason);
        Thread.sleep(200);
      }
      var s = wf.status();
      StepState copy = s.steps.stream().filter(x -> x.name.equals("copy")).findFirst().orElseThrow();
      StepState verify = s.steps.stream().filter(x -> x.name.equals("verify")).findFirst().orElseThrow();
      boolean ok = Contents.of(target, "sbtest").equals(expected) && s.verify != null && s.verify.ok;
      wf.rollback("benchmark done");
      WorkflowStub.fromTyped(wf).getResult(MigrationResult.class);
      String label = "migrator (" + method + (method.equals("live-consistent") ? "" : ", " + r.copy.writeMethod
          + ", " + r.copy.transport + ", " + r.copy.chunkRows + " rows/chunk, " + s.copy.sizing
          + (r.copy.deferSecondaryIndexes ? ", indexes deferred" : "")
          + (r.copy.targetChunkSeconds > 0 ? ", adaptive " + r.copy.targetChunkSeconds + " s/chunk" : "")
          + (r.copy.chunksPerActivity > 0 ? ", " + r.copy.chunksPerActivity + " chunk(s)/activity" : "")) + ")";
      return new Result[] {
          new Result(label, copy.durationMillis / 1000.0,
              String.format(Locale.ROOT, "copy step%s; verify step (" + (r.verify.mode == null ? "default" : r.verify.mode)
                  + ") %.2f s more",
                  r.copy.deferSecondaryIndexes ? " incl. building the deferred indexes" : "", verify.durationMillis / 1000.0), ok),
          new Result(label + ": copy + verify (" + (r.verify.mode == null ? "default" : r.verify.mode) + ")",
              (copy.durationMillis + verify.durationMillis) / 1000.0,
              "copy and verify steps (mydumper's rows verify nothing)", ok)};
    } finally {
      if (stageDir != null) deleteTree(stageDir);
    }
  }

  private Result mydumper(LocalMariaDb source, LocalMariaDb target, String expected, Dumper d) throws Exception {
    say(d.label());
    Path dir = Files.createTempDirectory("bench-mydumper-");
    try {
      long t0 = System.nanoTime();
      run(new ProcessBuilder(d.bin("mydumper"), "-h", "127.0.0.1", "-P", String.valueOf(source.port()), "-u", "root", "-p",
          source.rootPassword(), "-B", "sbtest", "-t", String.valueOf(threads), "-r", String.valueOf(chunkRows),
          "-o", dir.toString()), "mydumper", null);
      long t1 = System.nanoTime();
      List<String> load = new ArrayList<>(List.of(d.bin("myloader"), "-h", "127.0.0.1", "-P",
          String.valueOf(target.port()), "-u", "root", "-p", target.rootPassword(), "-d", dir.toString(), "-o"));
      if (d.loaderThreads() > 0) load.addAll(List.of("-t", String.valueOf(d.loaderThreads())));
      run(new ProcessBuilder(load), "myloader", null);
      long t2 = System.nanoTime();
      boolean ok = Contents.of(target, "sbtest").equals(expected);
      return new Result(d.label(), (t2 - t0) / 1e9,
          String.format(Locale.ROOT, "dump %.2f s, load %.2f s", (t1 - t0) / 1e9, (t2 - t1) / 1e9), ok);
    } finally {
      deleteTree(dir);
    }
  }

  private Result mysqldump(LocalMariaDb source, LocalMariaDb target, String expected) throws Exception {
    say("mysqldump --single-transaction | mariadb");
    target.sql("CREATE DATABASE sbtest");
    String cmd = "mysqldump -h 127.0.0.1 -P " + source.port() + " -u root --password=\"$SRC_PW\" --single-transaction"
        + " sbtest | mariadb -h 127.0.0.1 -P " + target.port() + " -u root --password=\"$DST_PW\" sbtest";
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-o", "pipefail", "-c", cmd);
    pb.environment().put("SRC_PW", source.rootPassword());
    pb.environment().put("DST_PW", target.rootPassword());
    long t0 = System.nanoTime();
    run(pb, "mysqldump | mariadb", null);
    long t1 = System.nanoTime();
    return new Result("mysqldump \\| mariadb", (t1 - t0) / 1e9, "single stream", Contents.of(target, "sbtest").equals(expected));
  }

  /**
   * The load side's practical floor (issue 3): ready tab-separated files (SELECT ... INTO OUTFILE
   * on the source, not timed) loaded with server-side LOAD DATA INFILE into the target, {@code
   * threads} tables at a time, with the same session settings as migrator's writer.
   */
  private Result loadDataFloor(LocalMariaDb source, LocalMariaDb target, String expected) throws Exception {
    say("LOAD DATA INFILE of ready files, " + threads + " tables at a time (the load floor)");
    Path dir = Files.createTempDirectory("bench-floor-");
    try {
      target.sql("CREATE DATABASE sbtest");
      List<String> names = new ArrayList<>();
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
          ss.execute("SELECT * INTO OUTFILE '" + dir.resolve(t + ".tsv") + "' FROM sbtest.`" + t + "`");
        }
      }
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      long t0 = System.nanoTime();
      try {
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (String t : names) {
          done.add(pool.submit(() -> {
            try (java.sql.Connection dst = target.connect(); java.sql.Statement st = dst.createStatement()) {
              st.execute("SET SESSION foreign_key_checks = 0");
              st.execute("SET SESSION unique_checks = 0");
              st.execute("SET SESSION sql_log_bin = 0");
              st.execute("LOAD DATA INFILE '" + dir.resolve(t + ".tsv") + "' INTO TABLE sbtest.`" + t + "`");
            }
            return null;
          }));
        }
        for (java.util.concurrent.Future<?> f : done) f.get();
      } finally {
        pool.shutdown();
      }
      long t1 = System.nanoTime();
      return new Result("LOAD DATA INFILE of ready files (floor)", (t1 - t0) / 1e9,
          "load only; the files were written before timing", Contents.of(target, "sbtest").equals(expected));
    } finally {
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
    return new Result(m.tool(), m.seconds(), m.detail() + String.format(Locale.ROOT, "; range %.2f-%.2f s",
        sorted.get(0).seconds(), sorted.get(sorted.size() - 1).seconds()), allOk);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var w = Files.walk(dir)) {
      w.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  private static void reset(LocalMariaDb target) {
    target.sql("DROP DATABASE IF EXISTS sbtest");
  }

  private interface Before {
    void run() throws Exception;
  }

  private static void run(ProcessBuilder pb, String what, Before before) throws Exception {
    if (before != null) before.run();
    Path log = Files.createTempFile("bench-", ".log");
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(what + " failed: " + Files.readString(log));
    }
  }

  private static String machine() {
    String cpu = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (IOException ignored) {
      // not Linux
    }
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), MariaDB "
        + System.getProperty("bench.mariadb.version", "10.11") + " -> same, loopback";
  }

  private static void say(String s) {
    System.out.println("[bench] " + s);
  }
}
