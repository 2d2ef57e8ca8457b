package dev.migrator.freeze;

import dev.migrator.servers.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A temporary MySQL/MariaDB server owned by a freeze, living entirely in one directory named from
 * the migration id: {@code data/} (the prepared backup), {@code my.cnf}, {@code server.pid} (written
 * by us right after the launch) and {@code mysqld.pid} (written by the server), {@code port},
 * {@code frozen.password} (mode 600; the endpoint's credential reference), logs. Started and
 * stopped through {@link ServerProcess}, the launcher the local test servers use too.
 *
 * <p>The server is a child process of the worker JVM but is not tied to it: it keeps running when
 * the activity that started it returns and when the worker exits. {@link #destroy} finds it again
 * from the pid files alone, so it works from another worker process on the same host.
 */
public final class TempServer {
  public static final String USER = "root";
  private final Path dir;

  public TempServer(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  public Path passwordFile() {
    return dir.resolve("frozen.password");
  }

  public Path configFile() {
    return dir.resolve("my.cnf");
  }

  public Path errorLog() {
    return dir.resolve("error.log");
  }

  /** The port recorded at launch, or -1. */
  public int port() {
    try {
      return Integer.parseInt(Files.readString(dir.resolve("port")).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** The live server process of this directory, if any (pid files checked against the command line). */
  public Optional<ProcessHandle> process() {
    for (String f : List.of("server.pid", "mysqld.pid")) {
      Path p = dir.resolve(f);
      if (!Files.isRegularFile(p)) continue;
      try {
        long pid = Long.parseLong(Files.readString(p).trim());
        Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (h.isPresent() && ours(h.get())) return h;
      } catch (IOException | NumberFormatException e) {
        // a half-written pid file: try the other one
      }
    }
    return Optional.empty();
  }

  /** A pid may be reused after a reboot: only a process started with our my.cnf is ours. */
  private boolean ours(ProcessHandle h) {
    Optional<String> cmd = h.info().commandLine();
    if (cmd.isPresent()) return cmd.get().contains(configFile().toString());
    Optional<String[]> args = h.info().arguments();
    if (args.isPresent()) return String.join(" ", args.get()).contains(configFile().toString());
    try {
      String raw = Files.readString(Path.of("/proc", String.valueOf(h.pid()), "cmdline"), StandardCharsets.UTF_8);
      return raw.contains(configFile().toString());
    } catch (IOException e) {
      return false;
    }
  }

  public String readPassword() {
    try {
      return Files.readString(passwordFile(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when the server answers on its port with the recorded password. */
  public boolean answers(String host) {
    int port = port();
    if (port <= 0 || !Files.isRegularFile(passwordFile())) return false;
    try (Connection c = connect(host, port, readPassword())) {
      return c.isValid(5);
    } catch (SQLException | UncheckedIOException e) {
      return false;
    }
  }

  static Connection connect(String host, int port, String password) throws SQLException {
    return DriverManager.getConnection("jdbc:mysql://" + host + ":" + port
        + "/?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000", USER, password);
  }

  /**
   * Writes the configuration and starts the server on {@link #dataDir()}: no binary log, no
   * replication threads (the backup may carry the source's replica settings), no event scheduler,
   * read-only for the source's ordinary accounts, root@127.0.0.1 and
   * root@% reset to a fresh random password kept in {@link #passwordFile()}. The process is
   * detached from the worker (see the class comment); a port taken meanwhile is retried.
   */
  public void launch(String serverProgram, String bindAddress, String bufferPool, Duration startTimeout) {
    launch(List.of(serverProgram), List.of(), bindAddress, bufferPool, startTimeout);
  }

  /**
   * {@link #launch(String, String, String, Duration)} with a command prefix (e.g. a loader and
   * mysqld) and extra [mysqld] lines appended to the configuration (later lines win: they may
   * override read_only, add plugins, or say {@code skip-replica-start} for MySQL 8.0.26+).
   */
  public void launch(List<String> serverCommand, List<String> extraConfig, String bindAddress, String bufferPool,
      Duration startTimeout) {
    String password;
    try {
      byte[] pw = new byte[18];
      new SecureRandom().nextBytes(pw);
      password = "frz-" + HexFormat.of().formatHex(pw);
      writePrivate(passwordFile(), password);
      String quoted = password.replace("'", "''");
      // Not binlogged (the binary log is off anyway); DROP + CREATE works on MySQL and MariaDB.
      writePrivate(dir.resolve("init.sql"), String.join("\n",
          "SET sql_log_bin = 0;",
          "DROP USER IF EXISTS 'root'@'127.0.0.1';",
          "CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY '" + quoted + "';",
          "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
          "DROP USER IF EXISTS 'root'@'%';",
          "CREATE USER 'root'@'%' IDENTIFIED BY '" + quoted + "';",
          "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;", ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ServerProcess.start(new ServerProcess.Spec()
        .name("the temporary server")
        .dir(dir)
        .bindAddress(bindAddress)
        .tiedToJvm(false)
        .pidFile(dir.resolve("server.pid"))
        .log(errorLog())
        .startTimeout(startTimeout)
        .whileWaiting(() -> Heartbeats.beat("starting the temporary server"))
        .launcher(port -> {
          Files.writeString(dir.resolve("port"), String.valueOf(port));
          writeConfig(port, bindAddress, bufferPool, extraConfig);
          List<String> cmd = new ArrayList<>(serverCommand);
          cmd.add("--defaults-file=" + configFile());
          return cmd;
        })
        .ready((host, port) -> {
          try (Connection c = connect(host, port, password)) {
            // accepted
          }
        }));
  }

  private void writeConfig(int port, String bindAddress, String bufferPool, List<String> extraConfig)
      throws IOException {
    boolean mysqlReplicaNames = extraConfig.contains("skip-replica-start");
    List<String> cnf = new ArrayList<>(List.of(
        "[mysqld]",
        "datadir=" + dataDir(),
        "tmpdir=" + dir.resolve("tmp"),
        "socket=" + dir.resolve("mysqld.sock"),
        "pid-file=" + dir.resolve("mysqld.pid"),
        "log-error=" + errorLog(),
        "port=" + port,
        "bind-address=" + bindAddress,
        "skip-name-resolve",
        "skip-log-bin",
        mysqlReplicaNames ? "skip-replica-start" : "skip-slave-start",
        // The copy carries the source's events and accounts: nothing may change the frozen data.
        // OFF, not DISABLED: DISABLED also refuses to list events (ERROR 1577), and the schema
        // step reads them from here.
        "event-scheduler=OFF",
        "read_only=ON",
        "server-id=" + (4000 + Math.floorMod(dir.toString().hashCode(), 100000)),
        "innodb_buffer_pool_size=" + bufferPool,
        "max_connections=200",
        "max_allowed_packet=256M",
        "init-file=" + dir.resolve("init.sql")));
    if ("root".equals(System.getProperty("user.name"))) cnf.add("user=root");
    for (String line : extraConfig) {
      if (!line.equals("[mysqld]") && !line.equals("skip-replica-start") && !cnf.contains(line)) cnf.add(line);
    }
    Files.write(configFile(), cnf, StandardCharsets.UTF_8);
  }

  /** Stops the server (SIGTERM, then SIGKILL after 60 s) and deletes the directory. Idempotent. */
  public void destroy() {
    Optional<ProcessHandle> h = process();
    if (h.isPresent()) {
      ProcessHandle p = h.get();
      if (!ServerProcess.terminate(p, Duration.ofSeconds(60), Duration.ofSeconds(30))) {
        throw new IllegalStateException("the temporary server (pid " + p.pid() + ") in " + dir + " did not stop");
      }
    }
    deleteTree(dir);
    if (Files.exists(dir)) throw new IllegalStateException("could not delete " + dir);
  }

  static void writePrivate(Path p, String content) throws IOException {
    Files.deleteIfExists(p);
    Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(p, content, StandardCharsets.UTF_8);
  }

  static int freePort(String bind) {
    return ServerProcess.freePort(bind);
  }

  static String tail(Path p) {
    return ServerProcess.tail(p, 12);
  }

  static void deleteTree(Path p) {
    ServerProcess.deleteTree(p);
  }

  /** Sleeps; an interrupt sets the flag again and throws IllegalStateException("interrupted"). */
  static void sleep(long ms) {
    ServerProcess.sleep(ms);
  }
}
