package dev.migrator.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a benchmark run's CPU time goes (Linux only): samples /proc every 100 ms for the bench JVM
 * and every process it started (its descendants: the source and target servers, the Temporal test
 * server, a frozen copy's temporary server, mydumper, ...) and sums utime+stime per role. Sampling,
 * because short-lived children exit without a final reading: a process loses at most its last
 * 100 ms. Processes that already ran before {@link #start} count only what they used after it.
 */
final class CpuSampler implements AutoCloseable {
  private static final long TICKS = ticksPerSecond();
  private final long self = ProcessHandle.current().pid();
  private final Map<Long, String> named;
  private final Map<Long, Long> first = new HashMap<>();
  private final Map<Long, Long> last = new HashMap<>();
  private final Map<Long, String> role = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  /** {@code named}: pids with a fixed role (the source and target servers). */
  private CpuSampler(Map<Long, String> named) {
    this.named = named;
    sample(true);
    thread = new Thread(() -> {
      while (running) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
        sample(false);
      }
    }, "bench-cpu-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  static CpuSampler start(Map<Long, String> named) {
    return new CpuSampler(named);
  }

  /** The pid of the server process whose command line names {@code configFile} (0 if not found). */
  static long pidOf(Path configFile) {
    String want = configFile.toString();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String n = d.getFileName().toString();
        if (!n.chars().allMatch(Character::isDigit)) continue;
        if (cmdline(d).contains(want)) return Long.parseLong(n);
      }
    } catch (IOException e) {
      // no /proc
    }
    return 0;
  }

  /** Stops sampling; "cpu: src 1.2 s, dst 5.1 s, jvm 3.0 s, ..." (roles with at least 0.05 s). */
  String stop() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sample(false);
    Map<String, Double> seconds = new TreeMap<>();
    for (var e : last.entrySet()) {
      long used = e.getValue() - first.getOrDefault(e.getKey(), 0L);
      seconds.merge(role.getOrDefault(e.getKey(), "other"), used / (double) TICKS, Double::sum);
    }
    Map<String, Double> ordered = new LinkedHashMap<>();
    for (String r : new String[] {"src", "dst", "jvm"}) if (seconds.containsKey(r)) ordered.put(r, seconds.remove(r));
    ordered.putAll(seconds);
    StringBuilder sb = new StringBuilder("cpu:");
    ordered.forEach((r, s) -> {
      if (s >= 0.05) sb.append(sb.length() > 4 ? ", " : " ").append(r).append(String.format(Locale.ROOT, " %.1f s", s));
    });
    return sb.toString();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }

  private synchronized void sample(boolean initial) {
    Map<Long, Long> parent = new HashMap<>();
    Map<Long, Long> ticks = new HashMap<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String n = d.getFileName().toString();
        if (!n.chars().allMatch(Character::isDigit)) continue;
        try {
          String stat = Files.readString(d.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long pid = Long.parseLong(n);
          parent.put(pid, Long.parseLong(f[1]));
          ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException | RuntimeException e) {
          // exited meanwhile
        }
      }
    } catch (IOException e) {
      return;
    }
    for (var e : ticks.entrySet()) {
      long pid = e.getKey();
      if (pid != self && !named.containsKey(pid) && !descends(pid, parent)) continue;
      if (initial) first.put(pid, e.getValue());
      last.put(pid, e.getValue());
      // Again each time: a child seen between fork and exec still shows its parent's command line.
      String r = roleOf(pid);
      if (r != null) role.put(pid, r);
    }
  }

  private boolean descends(long pid, Map<Long, Long> parent) {
    for (int i = 0; i < 64; i++) {
      Long p = parent.get(pid);
      if (p == null || p <= 1) return false;
      if (p == self) return true;
      pid = p;
    }
    return false;
  }

  /** src/dst by pid, jvm, copy-server for any other MySQL/MariaDB server, else the program's name. */
  private String roleOf(long pid) {
    if (pid == self) return "jvm";
    if (named.containsKey(pid)) return named.get(pid);
    String cmd = cmdline(Path.of("/proc", String.valueOf(pid)));
    if (cmd.isEmpty()) return role.get(pid);
    String[] argv = cmd.split("\0");
    // A program run through the MySQL root's loader: name the program, not the loader.
    String prog = argv.length > 3 && argv[0].contains("ld-linux") ? argv[3] : argv.length > 0 ? argv[0] : "?";
    String base = prog.substring(prog.lastIndexOf('/') + 1);
    if (base.equals("mysqld") || base.equals("mariadbd")) return "copy-server";
    if (cmd.contains("temporal")) return "temporal"; // the Temporal test server (a java process or the CLI)
    return base.isEmpty() ? "other" : base;
  }

  private static String cmdline(Path procDir) {
    try {
      return new String(Files.readAllBytes(procDir.resolve("cmdline")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static long ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
