package dev.migrator.testkit;

import dev.migrator.model.Endpoint;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What a test, the demo or a benchmark needs from a throwaway local server, whichever engine runs
 * it ({@link LocalMariaDb}, {@link LocalMySql}, {@link AuroraLikeMySql}): where it listens, its
 * server id, the harness's root account (a password and a {@code file:} reference to it), SQL
 * conveniences, replication from another local server, and its lifecycle. {@link #close()} stops
 * it and deletes every file; servers still running at JVM exit are killed and deleted.
 */
public interface LocalServer extends AutoCloseable {
  /** The engine behind the server (not the request flavor, see {@link #flavor()}). */
  enum Engine {
    MARIADB,
    MYSQL
  }

  String name();

  /** Always 127.0.0.1. */
  String host();

  int port();

  int serverId();

  Engine engine();

  default boolean isMariaDb() {
    return engine() == Engine.MARIADB;
  }

  /**
   * The {@link Endpoint#flavor} a migration request names this server with: {@code mysql} for a
   * self-managed MariaDB or MySQL, {@code aurora-mysql} or {@code rds-mysql} for the Aurora-like
   * fixture.
   */
  String flavor();

  Path dir();

  Path dataDir();

  Path configFile();

  /** The harness's root password, for harness code only; migrations get {@link #rootPasswordRef()}. */
  String rootPassword();

  /** A credential reference to the root password ("file:..."), as a migration request names it. */
  String rootPasswordRef();

  /** The account a migration request uses: root here, the admin user on the Aurora-like fixture. */
  default String migrationUser() {
    return "root";
  }

  /** A {@code file:} reference to {@link #migrationUser()}'s password. */
  default String migrationPasswordRef() {
    return rootPasswordRef();
  }

  /** This server as a request endpoint: flavor, host, port, {@link #migrationUser()} and its password reference. */
  default Endpoint endpoint() {
    Endpoint e = new Endpoint(host(), port(), migrationUser(), migrationPasswordRef());
    e.flavor = flavor();
    return e;
  }

  String jdbcUrl(String database);

  /** A connection as the harness's root. */
  Connection connect() throws SQLException;

  Connection connect(String user, String password) throws SQLException;

  /** Runs statements as root. */
  void sql(String... statements);

  /** First column of the first row, as a string (null if no row). */
  String query(String sql);

  /** Every row, columns joined by tabs. */
  List<String> queryRows(String sql);

  /** Runs a SQL file through the engine's command-line client (for dumps with DELIMITER, like Sakila). */
  void loadSqlFile(Path file);

  /** The environment a client process needs to authenticate as root without a visible password. */
  ProcessBuilder withClientPassword(ProcessBuilder pb);

  /** The engine's command-line client connected as root over TCP (password via {@link #withClientPassword}). */
  List<String> clientCommand();

  /** The binary log's current file and position ({@code SHOW MASTER STATUS} / {@code SHOW BINARY LOG STATUS}). */
  String[] binlogPosition();

  /** Makes this server a replica of {@code source} (same engine) from the source's current position. */
  void replicateFrom(LocalServer source);

  /** Stops replication and forgets it. */
  void resetReplication();

  boolean isRunning();

  /** Clean shutdown (SIGTERM), keeping the files (see {@link #restart()}). */
  void stop();

  /** SIGKILL, keeping the files. */
  void kill();

  /** Starts the server again on the same port and files. */
  void restart();

  /** Stops the server and deletes its files. */
  @Override
  void close();
}
