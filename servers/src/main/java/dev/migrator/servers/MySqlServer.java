package dev.migrator.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Oracle MySQL from a minimal Debian sid root (Debian bookworm has no MySQL server; sid's
 * {@code mysql-server-core} needs a newer libc than bookworm's). Its programs run as plain
 * processes, without a chroot, through the root's own dynamic loader and libraries:
 * {@code ROOT/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path ROOT/usr/lib/x86_64-linux-gnu
 * ROOT/usr/sbin/mysqld --defaults-file=...}.
 *
 * <p>{@code bin/setup} builds the root with mmdebstrap (or unpacks its cached tarball) into
 * {@link #DEFAULT_ROOT}; {@code MIGRATOR_MYSQL_ROOT} (environment or system property) points
 * elsewhere. {@code --initialize-insecure} takes seconds, so a JVM initialises one template data
 * dir per set of initialise-time options and copies it for every server (without {@code auto.cnf},
 * so that each server makes its own server UUID).
 */
public final class MySqlServer {
  public static final Path DEFAULT_ROOT = Path.of("/var/cache/migrator/mysql-root");
  /** Loads MySQL's clone plugin at startup ({@code CLONE LOCAL DATA DIRECTORY}, {@code CLONE INSTANCE FROM}). */
  public static final String CLONE_PLUGIN = "plugin-load-add=mysql_clone.so";

  /** Initialised templates by root and options (only complete ones). */
  private static final Map<String, Path> TEMPLATES = new ConcurrentHashMap<>();
  /** Every template dir made, complete or not: deleted at JVM exit. */
  private static final java.util.Set<Path> TEMPLATE_DIRS = ConcurrentHashMap.newKeySet();
  private static final Map<Path, MySqlServer> BY_ROOT = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> TEMPLATE_DIRS.forEach(ServerProcess::deleteTree),
        "mysql-template-cleanup"));
  }

  private final Path root;

  private MySqlServer(Path root) {
    this.root = root;
  }

  /** The configured root ($MIGRATOR_MYSQL_ROOT, else {@link #DEFAULT_ROOT}), whether or not it exists. */
  public static Path configuredRoot() {
    String configured = System.getProperty("MIGRATOR_MYSQL_ROOT", System.getenv("MIGRATOR_MYSQL_ROOT"));
    return configured == null || configured.isBlank() ? DEFAULT_ROOT : Path.of(configured);
  }

  /** The MySQL installation, if the configured root holds one. */
  public static Optional<MySqlServer> find() {
    Path r = configuredRoot().toAbsolutePath().normalize();
    MySqlServer m = new MySqlServer(r);
    if (!Files.isExecutable(m.mysqld()) || !Files.isExecutable(m.loader())) return Optional.empty();
    return Optional.of(BY_ROOT.computeIfAbsent(r, MySqlServer::new));
  }

  /** The installation, or an exception that says how to get one. */
  public static MySqlServer require() {
    return find().orElseThrow(() -> new IllegalStateException(missingMessage()));
  }

  /** Why MySQL tests skip (or, with {@link #required()}, fail): names what to run. */
  public static String missingMessage() {
    return "MySQL (mysqld from a Debian sid root) was not found at " + configuredRoot()
        + "; run MIGRATOR_SETUP_MYSQL=1 bin/setup (bin/test does) or set MIGRATOR_MYSQL_ROOT to such a root";
  }

  /** Whether tests must fail rather than skip without MySQL (bin/test and CI set MIGRATOR_REQUIRE_MYSQL=1). */
  public static boolean required() {
    return "1".equals(System.getProperty("MIGRATOR_REQUIRE_MYSQL", System.getenv("MIGRATOR_REQUIRE_MYSQL")));
  }

  public Path root() {
    return root;
  }

  Path loader() {
    return root.resolve("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
  }

  public Path mysqld() {
    return root.resolve("usr/sbin/mysqld");
  }

  public Path pluginDir() {
    return root.resolve("usr/lib/mysql/plugin");
  }

  /** The Debian package version of mysql-server-core in the root (e.g. 9.7.4-2), or "unknown". */
  public String packageVersion() {
    try {
      List<String> lines = Files.readAllLines(root.resolve("var/lib/dpkg/status"));
      boolean inPackage = false;
      for (String l : lines) {
        if (l.startsWith("Package: ")) inPackage = l.equals("Package: mysql-server-core");
        else if (inPackage && l.startsWith("Version: ")) return l.substring(9).trim();
      }
    } catch (IOException e) {
      // fall through
    }
    return "unknown";
  }

  /** A program of the root (usr/sbin/mysqld, usr/bin/mysql, usr/bin/mysqlbinlog, ...) run through its loader. */
  public List<String> program(String relativePath, String... args) {
    List<String> cmd = new ArrayList<>(List.of(loader().toString(), "--library-path",
        root.resolve("usr/lib/x86_64-linux-gnu").toString(), root.resolve(relativePath).toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** {@code mysqld --defaults-file=cnf}: no other option file is read. */
  public List<String> serverCommand(Path defaultsFile, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--defaults-file=" + defaultsFile));
    args.addAll(List.of(extraArgs));
    return program("usr/sbin/mysqld", args.toArray(String[]::new));
  }

  /** The mysql client over TCP to {@code host:port} as {@code user} (password through MYSQL_PWD). */
  public List<String> clientCommand(String host, int port, String user, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--no-defaults", "--protocol=TCP", "-h", host, "-P", String.valueOf(port),
        "-u", user, "--default-character-set=utf8mb4"));
    args.addAll(List.of(extraArgs));
    return program("usr/bin/mysql", args.toArray(String[]::new));
  }

  /** The [mysqld] lines every server of this root needs: where its files, messages and plugins are. */
  public List<String> baseConfig() {
    List<String> l = new ArrayList<>(List.of(
        "[mysqld]",
        "basedir=" + root.resolve("usr"),
        "lc-messages-dir=" + root.resolve("usr/share/mysql"),
        "character-sets-dir=" + root.resolve("usr/share/mysql/charsets"),
        "plugin-dir=" + pluginDir(),
        "mysqlx=OFF"));
    if (MariaDbServer.runningAsRoot()) l.add("user=root");
    return l;
  }

  /**
   * A data dir initialised with {@code --initialize-insecure} (root@localhost without a password,
   * self-signed TLS certificates generated) and the given initialise-time options (e.g.
   * {@code lower_case_table_names=1}), made once per JVM and option set. Deleted at JVM exit.
   */
  public Path template(List<String> initOptions) {
    String key = root + "|" + String.join("|", initOptions);
    Path existing = TEMPLATES.get(key);
    if (existing != null) return existing;
    synchronized (TEMPLATES) {
      existing = TEMPLATES.get(key);
      if (existing != null) return existing;
      Path dir = null;
      try {
        dir = Files.createTempDirectory("migrator-mysql-template-");
        TEMPLATE_DIRS.add(dir);
        Path data = dir.resolve("data");
        Files.createDirectories(dir.resolve("tmp"));
        List<String> cnf = new ArrayList<>(baseConfig());
        cnf.addAll(List.of("datadir=" + data, "tmpdir=" + dir.resolve("tmp"), "log-error=" + dir.resolve("init.log")));
        cnf.addAll(initOptions);
        Path cnfFile = dir.resolve("init.cnf");
        Files.write(cnfFile, cnf);
        ServerProcess.run(serverCommand(cnfFile, "--initialize-insecure"), dir.resolve("init.stdout"),
            Duration.ofSeconds(180), "mysqld --initialize-insecure (" + root + ")");
        TEMPLATES.put(key, dir);
        return dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (IllegalStateException e) {
        String log = dir == null ? "" : ServerProcess.tail(dir.resolve("init.log"), 15);
        ServerProcess.deleteTree(dir);
        throw new IllegalStateException(e.getMessage() + "\n" + log, e);
      }
    }
  }

  /**
   * A fresh data dir at {@code dataDir} copied from the {@link #template} for {@code initOptions};
   * {@code auto.cnf} is left out so that the server generates its own server UUID.
   */
  public void newDataDir(Path dataDir, List<String> initOptions) {
    Path from = template(initOptions).resolve("data");
    copyTree(from, dataDir);
    try {
      Files.deleteIfExists(dataDir.resolve("auto.cnf"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void copyTree(Path from, Path to) {
    try {
      Files.walkFileTree(from, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
          Files.createDirectories(to.resolve(from.relativize(d).toString()));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          if (a.isSymbolicLink() || Files.isSymbolicLink(f)) return FileVisitResult.CONTINUE;
          Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.COPY_ATTRIBUTES,
              LinkOption.NOFOLLOW_LINKS);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "MySQL " + packageVersion() + " at " + root;
  }
}
