package dev.migrator.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway MariaDB server on 127.0.0.1: random free port, its own data dir and tmpdir, a
 * distinct server id, binary log on (ROW). Used by tests, the demo and benchmarks; several run at
 * once. {@link #close()} stops it and deletes every file; a shutdown hook does the same for any
 * server still running when the JVM exits, so a failing test leaves nothing behind.
 */
public final class LocalMariaDb implements AutoCloseable {
  public static final String INSTALL_HINT =
      "install it with: apt-get update && apt-get install -y mariadb-server mariadb-client mariadb-backup";

  private static final AtomicInteger NEXT_SERVER_ID = new AtomicInteger(100 + new SecureRandom().nextInt(1000) * 10);
  private static final Set<LocalMariaDb> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(LocalMariaDb::destroyQuietly)));
  }

  /** How to start a server; every field has a sensible default. */
  public static final class Options {
    public String name = "db";
    public boolean binlog = true;
    public String binlogFormat = "ROW";
    /** Extra [mysqld] lines, e.g. "max_allowed_packet=1M". */
    public List<String> extraConfig = new ArrayList<>();
    /** Data dir already populated (e.g. a prepared physical backup); skips install-db. */
    public Path existingDataDir;
    /**
     * With {@link #existingDataDir}: the root password already stored in it (e.g. a physical
     * backup of another LocalMariaDb keeps that server's accounts). Default: a new random one.
     */
    public String rootPassword;

    public Options name(String n) {
      name = n;
      return this;
    }

    public Options binlog(boolean on) {
      binlog = on;
      return this;
    }

    public Options binlogFormat(String f) {
      binlogFormat = f;
      return this;
    }

    public Options config(String line) {
      extraConfig.add(line);
      return this;
    }
  }

  private final String name;
  private final Path dir;
  private final Path dataDir;
  private final int port;
  private final int serverId;
  private final String rootPassword;
  private final Path rootPasswordFile;
  private final Path configFile;
  private Process process;

  private LocalMariaDb(String name, Path dir, Path dataDir, int port, int serverId, String rootPassword) {
    this.name = name;
    this.dir = dir;
    this.dataDir = dataDir;
    this.port = port;
    this.serverId = serverId;
    this.rootPassword = rootPassword;
    this.rootPasswordFile = dir.resolve("root.password");
    this.configFile = dir.resolve("my.cnf");
  }

  public static LocalMariaDb start(String name) {
    return start(new Options().name(name));
  }

  public static LocalMariaDb start(Options o) {
    Path server = findBinary("mariadbd", "/usr/sbin/mariadbd", "/usr/sbin/mysqld");
    Path installDb = findBinary("mariadb-install-db", "/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db");
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      LocalMariaDb db = null;
      try {
        Path dir = Files.createTempDirectory("migrator-" + o.name + "-");
        Path data = o.existingDataDir != null ? o.existingDataDir : dir.resolve("data");
        byte[] pw = new byte[12];
        new SecureRandom().nextBytes(pw);
        db = new LocalMariaDb(o.name, dir, data, freePort(), NEXT_SERVER_ID.getAndIncrement(),
            o.rootPassword != null ? o.rootPassword : "root-" + HexFormat.of().formatHex(pw));
        db.writeConfig(o);
        if (o.existingDataDir == null) db.installDb(installDb);
        db.launch(server);
        return db;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (IllegalStateException e) {
        // Most often a port taken between probing and binding: try again on another port.
        last = e;
        if (db != null) db.close();
      }
    }
    throw last;
  }

  static Path findBinary(String name, String... candidates) {
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isExecutable(p)) return p;
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d, name);
      if (!d.isEmpty() && Files.isExecutable(p)) return p;
    }
    throw new IllegalStateException("MariaDB's '" + name + "' was not found on this machine; " + INSTALL_HINT);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void writeConfig(Options o) throws IOException {
    Files.createDirectories(dir.resolve("tmp"));
    Files.writeString(rootPasswordFile, rootPassword, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of(
        "[mysqld]",
        "datadir=" + dataDir,
        "tmpdir=" + dir.resolve("tmp"),
        "socket=" + dir.resolve("mysqld.sock"),
        "pid-file=" + dir.resolve("mysqld.pid"),
        "log-error=" + dir.resolve("error.log"),
        "port=" + port,
        "bind-address=127.0.0.1",
        "skip-name-resolve",
        "server-id=" + serverId,
        "character-set-server=utf8mb4",
        "collation-server=utf8mb4_general_ci",
        "innodb_buffer_pool_size=128M",
        "innodb_log_file_size=64M",
        "innodb_flush_log_at_trx_commit=2",
        "sync_binlog=0",
        "max_connections=300",
        "max_allowed_packet=256M",
        "local_infile=1",
        "relay-log=relay-bin",
        "log_slave_updates=ON"));
    if ("root".equals(System.getProperty("user.name"))) lines.add("user=root");
    if (o.binlog) {
      lines.add("log-bin=mysql-bin");
      lines.add("binlog_format=" + o.binlogFormat);
    } else {
      lines.add("skip-log-bin");
    }
    lines.addAll(o.extraConfig);
    Files.write(configFile, lines, StandardCharsets.UTF_8);
  }

  private void installDb(Path installDb) throws IOException {
    Files.createDirectories(dataDir);
    Path log = dir.resolve("install.log");
    Process p = new ProcessBuilder(installDb.toString(), "--defaults-file=" + configFile,
        "--auth-root-authentication-method=normal", "--skip-test-db")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("mariadb-install-db failed for " + name + ": " + tail(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing " + name);
    }
    // root@127.0.0.1 with a password, so that TCP clients authenticate like in production.
    Path init = dir.resolve("init.sql");
    // Not binlogged: a replica of this server must keep its own root password.
    Files.writeString(init, String.join("\n",
        "SET sql_log_bin = 0;",
        "CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '" + rootPassword + "';",
        "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
        "CREATE OR REPLACE USER 'root'@'%' IDENTIFIED BY '" + rootPassword + "';",
        "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;", ""));
    Files.writeString(configFile, Files.readString(configFile) + "init-file=" + init + "\n");
  }

  private void launch(Path server) throws IOException {
    process = new ProcessBuilder(server.toString(), "--defaults-file=" + configFile)
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    RUNNING.add(this);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        RUNNING.remove(this);
        throw new IllegalStateException("MariaDB server '" + name + "' exited during startup: " + tail(dir.resolve("error.log")));
      }
      try (Connection c = connect()) {
        return;
      } catch (SQLException e) {
        last = e;
        sleep(100);
      }
    }
    destroyQuietly(this);
    throw new IllegalStateException("MariaDB server '" + name + "' did not accept connections in 60 s: "
        + (last == null ? "" : last.getMessage()) + " " + tail(dir.resolve("error.log")));
  }

  private static String tail(Path p) {
    try {
      List<String> l = Files.readAllLines(p);
      return String.join("\n", l.subList(Math.max(0, l.size() - 15), l.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- access --------------------------------------------------------------------------------

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  public int serverId() {
    return serverId;
  }

  public Path dir() {
    return dir;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path socket() {
    return dir.resolve("mysqld.sock");
  }

  public Path configFile() {
    return configFile;
  }

  /** The root password, for harness code only; migrations get {@link #rootPasswordRef()}. */
  public String rootPassword() {
    return rootPassword;
  }

  /** A credential reference to the root password ("file:..."), as a migration request names it. */
  public String rootPasswordRef() {
    return "file:" + rootPasswordFile;
  }

  public String jdbcUrl(String database) {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + (database == null ? "" : database)
        + "?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000&allowLoadLocalInfile=true"
        + "&rewriteBatchedStatements=true&characterEncoding=UTF-8&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true";
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(null), "root", rootPassword);
  }

  public Connection connect(String user, String password) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(null), user, password);
  }

  /** Runs statements as root. */
  public void sql(String... statements) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String st : statements) s.execute(st);
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  /** First column of the first row, as a string (null if no row). */
  public String query(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  /** Every row, columns joined by tabs. */
  public List<String> queryRows(String sql) {
    List<String> out = new ArrayList<>();
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          if (i > 1) b.append('\t');
          b.append(rs.getString(i));
        }
        out.add(b.toString());
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  /** Runs a SQL file through the mariadb client (for dumps with DELIMITER, like sakila). */
  public void loadSqlFile(Path file) {
    Path client = findBinary("mariadb", "/usr/bin/mariadb", "/usr/bin/mysql");
    try {
      ProcessBuilder pb = new ProcessBuilder(client.toString(), "--protocol=TCP", "-h", "127.0.0.1", "-P", String.valueOf(port),
          "-u", "root", "--default-character-set=utf8mb4");
      withClientPassword(pb);
      Process p = pb.redirectInput(file.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("loading " + file + " into " + name + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /** The environment a client process needs to authenticate as root without a visible password. */
  public ProcessBuilder withClientPassword(ProcessBuilder pb) {
    pb.environment().put("MYSQL_PWD", rootPassword);
    return pb;
  }

  /** Makes this server a replica of {@code source} from the source's current position. */
  public void replicateFrom(LocalMariaDb source) {
    List<String> st = source.queryRows("SHOW MASTER STATUS");
    if (st.isEmpty()) throw new IllegalStateException(source.name + " has no binary log");
    String[] f = st.get(0).split("\t");
    sql("STOP SLAVE", "RESET SLAVE ALL",
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + source.port
            + ", MASTER_USER='root', MASTER_PASSWORD='" + source.rootPassword + "', MASTER_LOG_FILE='" + f[0]
            + "', MASTER_LOG_POS=" + f[1] + ", MASTER_USE_GTID=no, MASTER_CONNECT_RETRY=1",
        "START SLAVE");
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Clean shutdown, keeping the files (see {@link #restart()}). */
  public void stop() {
    if (process == null) return;
    process.destroy(); // SIGTERM: mariadbd shuts down cleanly
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(this);
  }

  /** SIGKILL, keeping the files. */
  public void kill() {
    if (process == null) return;
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(this);
  }

  /** Starts the server again on the same port and files. */
  public void restart() {
    try {
      launch(findBinary("mariadbd", "/usr/sbin/mariadbd", "/usr/sbin/mysqld"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
    deleteTree(dir);
    if (!dataDir.startsWith(dir)) deleteTree(dataDir);
  }

  private static void destroyQuietly(LocalMariaDb db) {
    try {
      if (db.process != null) db.process.destroyForcibly();
      deleteTree(db.dir);
    } catch (RuntimeException ignored) {
      // best effort at JVM exit
    }
  }

  static void deleteTree(Path p) {
    if (p == null || !Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "LocalMariaDb[" + name + " 127.0.0.1:" + port + " server_id=" + serverId + "]";
  }
}
