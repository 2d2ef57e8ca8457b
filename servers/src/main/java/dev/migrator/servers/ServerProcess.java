package dev.migrator.servers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One local server process (mariadbd, mysqld, ...) living in a directory of its own: started on a
 * free port of its bind address with its own {@code tmp/}, its output in {@code stdout.log}, ready
 * once {@link Ready} accepts a connection, stopped with SIGTERM (SIGKILL after a grace period),
 * killed with SIGKILL, restarted on the same port and files, and deleted with its directory.
 *
 * <p>A process {@linkplain Spec#tiedToJvm tied to the JVM} (the default: test servers) is killed
 * and its directory deleted by a shutdown hook if it is still running when the JVM exits, so a
 * failing test leaves nothing behind. A detached one (the temporary server of physical-backup) is
 * left running on purpose and found again from its pid file.
 *
 * <p>Interrupts, everywhere in this class: an interrupted wait stops waiting at once, kills
 * (SIGKILL) the process it was waiting for rather than leave it half-started or half-stopped,
 * sets the thread's interrupt flag again and throws {@link IllegalStateException} ("interrupted
 * while ..."). {@link #close()} still deletes the directory before it throws.
 */
public final class ServerProcess implements AutoCloseable {
  /** Builds the command for a port (and writes whatever config files the command reads). */
  @FunctionalInterface
  public interface Launcher {
    List<String> command(int port) throws IOException;
  }

  /** Returns normally when the server on {@code host:port} accepts a connection; throws otherwise. */
  @FunctionalInterface
  public interface Ready {
    void check(String host, int port) throws Exception;
  }

  /** How to start a server; everything but {@link #name}, {@link #dir}, {@link #launcher}, {@link #ready} has a default. */
  public static final class Spec {
    String name = "server";
    Path dir;
    String bindAddress = "127.0.0.1";
    int port;
    Launcher launcher;
    Ready ready;
    Path log;
    Duration startTimeout = Duration.ofSeconds(60);
    Duration stopTimeout = Duration.ofSeconds(60);
    boolean tiedToJvm = true;
    Runnable whileWaiting = () -> {};
    Path pidFile;
    final List<Path> alsoDelete = new ArrayList<>();
    final Map<String, String> env = new java.util.LinkedHashMap<>();

    public Spec name(String n) {
      name = n;
      return this;
    }

    /** The server's own directory (created if missing): tmp/, stdout.log, whatever the launcher writes. */
    public Spec dir(Path d) {
      dir = d;
      return this;
    }

    public Spec bindAddress(String a) {
      bindAddress = a;
      return this;
    }

    /** A fixed port instead of a free one. */
    public Spec port(int p) {
      port = p;
      return this;
    }

    public Spec launcher(Launcher l) {
      launcher = l;
      return this;
    }

    public Spec ready(Ready r) {
      ready = r;
      return this;
    }

    /** The log whose tail explains a failed start (the server's error log); default stdout.log. */
    public Spec log(Path l) {
      log = l;
      return this;
    }

    public Spec startTimeout(Duration d) {
      startTimeout = d;
      return this;
    }

    /** How long a SIGTERM may take before SIGKILL. */
    public Spec stopTimeout(Duration d) {
      stopTimeout = d;
      return this;
    }

    /** False: the process outlives the JVM (no shutdown hook), e.g. a freeze's temporary server. */
    public Spec tiedToJvm(boolean t) {
      tiedToJvm = t;
      return this;
    }

    /** Called between readiness probes (e.g. an activity heartbeat). */
    public Spec whileWaiting(Runnable r) {
      whileWaiting = r;
      return this;
    }

    /** Where to write the pid right after the launch, so that another process can find the server. */
    public Spec pidFile(Path p) {
      pidFile = p;
      return this;
    }

    /** Another directory deleted with the server's (e.g. a data dir outside {@link #dir}). */
    public Spec alsoDelete(Path p) {
      alsoDelete.add(p);
      return this;
    }

    public Spec env(String name, String value) {
      env.put(name, value);
      return this;
    }
  }

  private static final Set<ServerProcess> TIED = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> TIED.forEach(ServerProcess::destroyQuietly),
        "server-process-cleanup"));
  }

  private final Spec spec;
  private final int port;
  private volatile Process process;

  private ServerProcess(Spec spec, int port) {
    this.spec = spec;
    this.port = port;
  }

  /**
   * Starts the server and waits until it is ready. A port taken between probing and binding (the
   * server exits saying "already in use") is retried on another free port, twice.
   */
  public static ServerProcess start(Spec spec) {
    if (spec.dir == null || spec.launcher == null || spec.ready == null) {
      throw new IllegalArgumentException("a server needs a dir, a launcher and a readiness check");
    }
    try {
      Files.createDirectories(spec.dir.resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int attempt = 1; ; attempt++) {
      ServerProcess p = new ServerProcess(spec, spec.port > 0 ? spec.port : freePort(spec.bindAddress));
      try {
        p.launch();
        return p;
      } catch (PortInUse e) {
        if (spec.port > 0 || attempt >= 3) throw e;
      }
    }
  }

  /** Thrown by a start whose server exited because its port was taken. */
  static final class PortInUse extends IllegalStateException {
    PortInUse(String m) {
      super(m);
    }
  }

  private void launch() {
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(spec.launcher.command(port))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(stdoutLog().toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(spec.env);
      p = pb.start();
      if (spec.pidFile != null) Files.writeString(spec.pidFile, String.valueOf(p.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process = p;
    if (spec.tiedToJvm) TIED.add(this);
    String host = connectHost(spec.bindAddress);
    long deadline = System.nanoTime() + spec.startTimeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        TIED.remove(this);
        String tail = tail(failureLog(), 15);
        String m = "'" + spec.name + "' exited during startup (exit " + p.exitValue() + "): " + tail;
        if (tail.contains("already in use")) throw new PortInUse(m);
        throw new IllegalStateException(m);
      }
      try {
        spec.ready.check(host, port);
        return;
      } catch (InterruptedException e) {
        killAfterInterrupt("starting '" + spec.name + "'");
      } catch (Exception e) {
        last = e;
      }
      spec.whileWaiting.run();
      if (Thread.currentThread().isInterrupted()) killAfterInterrupt("starting '" + spec.name + "'");
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        killAfterInterrupt("starting '" + spec.name + "'");
      }
    }
    kill();
    throw new IllegalStateException("'" + spec.name + "' did not accept connections within " + spec.startTimeout.toSeconds()
        + " s (" + (last == null ? "" : last.getMessage()) + "): " + tail(failureLog(), 15));
  }

  private void killAfterInterrupt(String what) {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      TIED.remove(this);
    }
    Thread.currentThread().interrupt();
    throw new IllegalStateException("interrupted while " + what);
  }

  private Path stdoutLog() {
    return spec.dir.resolve("stdout.log");
  }

  private Path failureLog() {
    return spec.log != null && Files.exists(spec.log) ? spec.log : stdoutLog();
  }

  private static String connectHost(String bind) {
    return "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind;
  }

  // ---- access --------------------------------------------------------------------------------

  public String name() {
    return spec.name;
  }

  public int port() {
    return port;
  }

  /** The address clients connect to (127.0.0.1 for a server bound to every interface). */
  public String host() {
    return connectHost(spec.bindAddress);
  }

  public Path dir() {
    return spec.dir;
  }

  public long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** The last lines of the server's log. */
  public String logTail(int lines) {
    return tail(failureLog(), lines);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Clean shutdown (SIGTERM; SIGKILL after the stop timeout), keeping the files. Idempotent. */
  public void stop() {
    Process p = process;
    if (p == null) return;
    try {
      if (!terminate(p.toHandle(), spec.stopTimeout, Duration.ofSeconds(30))) {
        throw new IllegalStateException("'" + spec.name + "' (pid " + p.pid() + ") did not stop");
      }
    } finally {
      TIED.remove(this);
    }
  }

  /** SIGKILL, keeping the files. Idempotent. */
  public void kill() {
    Process p = process;
    if (p == null) return;
    try {
      p.destroyForcibly();
      awaitExit(p.toHandle(), Duration.ofSeconds(30));
    } finally {
      TIED.remove(this);
    }
  }

  /** Starts the server again on the same port and files (after {@link #stop()} or {@link #kill()}). */
  public void restart() {
    if (isRunning()) throw new IllegalStateException("'" + spec.name + "' is still running");
    launch();
  }

  /** Stops the server and deletes its directory (and {@link Spec#alsoDelete}). */
  @Override
  public void close() {
    try {
      stop();
    } finally {
      deleteFiles();
    }
  }

  private void deleteFiles() {
    deleteTree(spec.dir);
    for (Path p : spec.alsoDelete) deleteTree(p);
  }

  private static void destroyQuietly(ServerProcess s) {
    try {
      Process p = s.process;
      if (p != null) p.destroyForcibly();
      if (p != null) p.waitFor(10, TimeUnit.SECONDS);
      s.deleteFiles();
    } catch (RuntimeException | InterruptedException ignored) {
      // best effort at JVM exit
    }
  }

  // ---- shared helpers ------------------------------------------------------------------------

  /**
   * SIGTERM, then SIGKILL if the process has not exited within {@code grace}; true once it is gone.
   * Works on any process handle, e.g. one found again from a pid file by another JVM.
   */
  public static boolean terminate(ProcessHandle h, Duration grace, Duration killGrace) {
    if (!h.isAlive()) return true;
    h.destroy();
    if (awaitExit(h, grace)) return true;
    h.destroyForcibly();
    return awaitExit(h, killGrace);
  }

  /** Waits for the process to exit; false on timeout. An interrupt kills it (see the class comment). */
  public static boolean awaitExit(ProcessHandle h, Duration timeout) {
    try {
      h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !h.isAlive();
    } catch (ExecutionException e) {
      return !h.isAlive();
    } catch (InterruptedException e) {
      h.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for pid " + h.pid() + " to exit");
    }
  }

  /** A port nobody listens on right now on {@code bindAddress}. */
  public static int freePort(String bindAddress) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(bindAddress))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code lines} lines of a log file, or "(no log at ...)". */
  public static String tail(Path log, int lines) {
    try {
      List<String> l = Files.readAllLines(log);
      return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log at " + log + ")";
    }
  }

  /** Deletes a file tree, best effort (callers that must know check {@code Files.exists} afterwards). */
  public static void deleteTree(Path p) {
    if (p == null || !Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }

  /** Sleeps; an interrupt sets the flag again and throws IllegalStateException("interrupted"). */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /**
   * Runs a helper program to completion (e.g. an install or initialize step) with its output in
   * {@code log}; throws with the log's tail when it fails or times out. An interrupt kills it.
   */
  public static void run(List<String> command, Path log, Duration timeout, String what) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean done;
    try {
      done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what);
    }
    if (!done) {
      p.destroyForcibly();
      throw new IllegalStateException(what + " did not finish within " + timeout.toSeconds() + " s: " + tail(log, 15));
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): " + tail(log, 15));
    }
  }

  @Override
  public String toString() {
    return "ServerProcess[" + spec.name + " " + host() + ":" + port + " pid=" + pid() + "]";
  }
}
