package dev.migrator.servers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Command lines of Debian's MariaDB server: {@code mariadbd}, {@code mariadb-install-db} and the
 * {@code mariadb} client, each run with a defaults file of its own so that no system option file
 * is read.
 */
public final class MariaDbServer {
  public static final String INSTALL_HINT =
      "install it with: apt-get update && apt-get install -y mariadb-server mariadb-client mariadb-backup";

  private MariaDbServer() {}

  /** The server program, or an exception naming the packages to install. */
  public static Path server() {
    return find("mariadbd", "/usr/sbin/mariadbd", "/usr/sbin/mysqld");
  }

  public static Path installDb() {
    return find("mariadb-install-db", "/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db");
  }

  public static Path client() {
    return find("mariadb", "/usr/bin/mariadb", "/usr/bin/mysql");
  }

  public static boolean available() {
    return lookup("mariadbd", "/usr/sbin/mariadbd", "/usr/sbin/mysqld").isPresent()
        && lookup("mariadb-install-db", "/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db").isPresent();
  }

  /** {@code mariadbd --defaults-file=cnf} (plus {@code user=root} belongs in the file when running as root). */
  public static List<String> serverCommand(Path defaultsFile) {
    return List.of(server().toString(), "--defaults-file=" + defaultsFile);
  }

  /**
   * Creates the system tables in the data dir named by {@code defaultsFile}, with root
   * authenticating by password (not unix socket) and no test database.
   */
  public static void installDb(Path defaultsFile, Path log) {
    ServerProcess.run(List.of(installDb().toString(), "--defaults-file=" + defaultsFile,
        "--auth-root-authentication-method=normal", "--skip-test-db"), log, Duration.ofSeconds(120), "mariadb-install-db");
  }

  /** The mariadb client over TCP to {@code host:port} as {@code user} (password through MYSQL_PWD). */
  public static List<String> clientCommand(String host, int port, String user) {
    return new ArrayList<>(List.of(client().toString(), "--no-defaults", "--protocol=TCP", "-h", host, "-P",
        String.valueOf(port), "-u", user, "--default-character-set=utf8mb4"));
  }

  /** Whether the current user is root, so that the server needs {@code user=root}. */
  public static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  static Path find(String name, String... candidates) {
    return lookup(name, candidates).orElseThrow(() ->
        new IllegalStateException("MariaDB's '" + name + "' was not found on this machine; " + INSTALL_HINT));
  }

  static Optional<Path> lookup(String name, String... candidates) {
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }
}
