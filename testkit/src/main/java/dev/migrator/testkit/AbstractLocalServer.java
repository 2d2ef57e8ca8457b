package dev.migrator.testkit;

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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What {@link LocalMariaDb} and {@link LocalMySql} share: JDBC conveniences and the process lifecycle. */
abstract class AbstractLocalServer implements LocalServer {
  private static final AtomicInteger NEXT_SERVER_ID = new AtomicInteger(100 + new SecureRandom().nextInt(1000) * 10);
  /**
   * Directories of servers not closed yet, deleted at JVM exit: also those of servers the JVM
   * left while they were still being prepared (before ServerProcess, whose hook kills and deletes
   * running ones, knew of them).
   */
  private static final java.util.Set<Path> OPEN_DIRS = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN_DIRS.forEach(ServerProcess::deleteTree),
        "local-server-dirs-cleanup"));
  }

  protected final String name;
  protected final Path dir;
  protected final Path dataDir;
  protected final int serverId;
  protected final String rootPassword;
  protected final Path rootPasswordFile;
  protected final Path configFile;
  protected ServerProcess process;

  protected AbstractLocalServer(String name, Path dir, Path dataDir, String rootPassword) {
    this.name = name;
    this.dir = dir;
    this.dataDir = dataDir;
    this.serverId = NEXT_SERVER_ID.getAndIncrement();
    this.rootPassword = rootPassword != null ? rootPassword : randomPassword("root-");
    this.rootPasswordFile = dir.resolve("root.password");
    this.configFile = dir.resolve("my.cnf");
  }

  static String randomPassword(String prefix) {
    byte[] pw = new byte[12];
    new SecureRandom().nextBytes(pw);
    return prefix + HexFormat.of().formatHex(pw);
  }

  static void writePrivate(Path p, String content) {
    try {
      Files.deleteIfExists(p);
      Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(p, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path newDir(String name) {
    try {
      Path d = Files.createTempDirectory("migrator-" + name + "-");
      OPEN_DIRS.add(d);
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the process (first start), the config written by {@link #config(int)} for the port it gets. */
  protected void launch(Duration startTimeout) {
    process = ServerProcess.start(new ServerProcess.Spec()
        .name(engine().name().toLowerCase() + " '" + name + "'")
        .dir(dir)
        .log(dir.resolve("error.log"))
        .startTimeout(startTimeout)
        .alsoDelete(dataDir.startsWith(dir) ? null : dataDir)
        .launcher(port -> {
          Files.write(configFile, config(port), StandardCharsets.UTF_8);
          return serverCommand();
        })
        .ready((host, port) -> {
          try (Connection c = DriverManager.getConnection(jdbcUrl(host, port, null), "root", rootPassword)) {
            // accepted
          }
        }));
  }

  /** The whole option file for a server listening on {@code port}. */
  protected abstract List<String> config(int port) throws IOException;

  /** The server command line reading {@link #configFile}. */
  protected abstract List<String> serverCommand();

  protected abstract String jdbcUrl(String host, int port, String database);

  // ---- access --------------------------------------------------------------------------------

  @Override
  public String name() {
    return name;
  }

  @Override
  public int port() {
    return process.port();
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int serverId() {
    return serverId;
  }

  @Override
  public Path dir() {
    return dir;
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }

  public Path socket() {
    return dir.resolve("mysqld.sock");
  }

  @Override
  public Path configFile() {
    return configFile;
  }

  @Override
  public String rootPassword() {
    return rootPassword;
  }

  @Override
  public String rootPasswordRef() {
    return "file:" + rootPasswordFile;
  }

  @Override
  public String jdbcUrl(String database) {
    return jdbcUrl(host(), port(), database);
  }

  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(null), "root", rootPassword);
  }

  @Override
  public Connection connect(String user, String password) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(null), user, password);
  }

  @Override
  public void sql(String... statements) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String st : statements) s.execute(st);
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String query(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  @Override
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

  @Override
  public void loadSqlFile(Path file) {
    try {
      ProcessBuilder pb = withClientPassword(new ProcessBuilder(clientCommand()));
      Process p = pb.redirectInput(file.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("loading " + file + " into " + name + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading " + file + " into " + name);
    }
  }

  @Override
  public ProcessBuilder withClientPassword(ProcessBuilder pb) {
    pb.environment().put("MYSQL_PWD", rootPassword);
    return pb;
  }

  protected static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  protected void requireSameEngine(LocalServer source) {
    if (source.engine() != engine()) {
      throw new IllegalArgumentException(name + " (" + engine() + ") cannot replicate from " + source.name() + " ("
          + source.engine() + ") in this harness");
    }
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  @Override
  public boolean isRunning() {
    return process != null && process.isRunning();
  }

  @Override
  public void stop() {
    if (process != null) process.stop();
  }

  @Override
  public void kill() {
    if (process != null) process.kill();
  }

  @Override
  public void restart() {
    process.restart();
  }

  @Override
  public void close() {
    try {
      if (process != null) {
        process.close();
      } else {
        ServerProcess.deleteTree(dir);
        if (!dataDir.startsWith(dir)) ServerProcess.deleteTree(dataDir);
      }
    } finally {
      OPEN_DIRS.remove(dir);
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name + " 127.0.0.1:" + (process == null ? "?" : port()) + " server_id="
        + serverId + "]";
  }
}
