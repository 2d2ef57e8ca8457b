package dev.migrator.testkit;

import dev.migrator.servers.MySqlServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway Oracle MySQL server (9.7 from the Debian sid root that {@code bin/setup} provides,
 * see {@link MySqlServer}) on 127.0.0.1, with the same conveniences as {@link LocalMariaDb}: random
 * free port, its own data dir (a copy of the JVM's initialised template, with its own server UUID)
 * and tmpdir, a distinct server id, binary log on (ROW), GTID mode explicit (on by default, as
 * MySQL 9.7's own default), the clone plugin loadable from the root's plugin dir (loaded with
 * {@link Options#clonePlugin}). The harness's root is root@127.0.0.1 and root@% with a random
 * password; connections use TLS when offered ({@code sslMode=PREFERRED}) and may fetch the
 * server's RSA key (caching_sha2_password; MySQL 9 has no mysql_native_password).
 *
 * <p>Without the root, {@link #start} throws {@link MySqlServer#missingMessage()}. Tests skip
 * then, as the Temporal CLI tests do, unless {@link MySqlServer#required()} (bin/test sets
 * {@code MIGRATOR_REQUIRE_MYSQL=1}): {@code assumeTrue(MySqlServer.find().isPresent() ||
 * MySqlServer.required(), MySqlServer.missingMessage())}.
 */
public class LocalMySql extends AbstractLocalServer {
  /** How to start a server; every field has a sensible default. */
  public static class Options {
    public String name = "mysql";
    public boolean binlog = true;
    public String binlogBasename = "mysql-bin";
    public String binlogFormat = "ROW";
    /** gtid_mode and enforce_gtid_consistency: ON/ON or OFF/OFF. */
    public boolean gtid = true;
    public boolean clonePlugin;
    /** Extra [mysqld] lines, e.g. "max_allowed_packet=1M". */
    public List<String> extraConfig = new ArrayList<>();
    /** Options that must already hold at --initialize (e.g. "lower_case_table_names=1"); each set gets a template. */
    public List<String> initOptions = new ArrayList<>();

    public Options name(String n) {
      name = n;
      return this;
    }

    public Options binlog(boolean on) {
      binlog = on;
      return this;
    }

    public Options binlogBasename(String b) {
      binlogBasename = b;
      return this;
    }

    public Options binlogFormat(String f) {
      binlogFormat = f;
      return this;
    }

    public Options gtid(boolean on) {
      gtid = on;
      return this;
    }

    public Options clonePlugin(boolean on) {
      clonePlugin = on;
      return this;
    }

    public Options config(String line) {
      extraConfig.add(line);
      return this;
    }

    public Options initOption(String line) {
      initOptions.add(line);
      extraConfig.add(line);
      return this;
    }
  }

  protected final MySqlServer mysql;
  protected final Options options;

  protected LocalMySql(MySqlServer mysql, Options o, Path dir) {
    super(o.name, dir, dir.resolve("data"), null);
    this.mysql = mysql;
    this.options = o;
  }

  public static LocalMySql start(String name) {
    return start(new Options().name(name));
  }

  public static LocalMySql start(Options o) {
    LocalMySql db = new LocalMySql(MySqlServer.require(), o, newDir(o.name));
    db.startFirst();
    return db;
  }

  /** Data dir from the template, root's password, first start; closes everything on failure. */
  protected void startFirst() {
    try {
      writePrivate(rootPasswordFile, rootPassword);
      Files.createDirectories(dir.resolve("files"));
      mysql.newDataDir(dataDir, options.initOptions);
      // Not binlogged: a replica of this server must keep its own root password (and GTID sets stay clean).
      writePrivate(dir.resolve("init.sql"), String.join("\n",
          "SET sql_log_bin = 0;",
          "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY " + quote(rootPassword) + ";",
          "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY " + quote(rootPassword) + ";",
          "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
          "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY " + quote(rootPassword) + ";",
          "ALTER USER 'root'@'%' IDENTIFIED BY " + quote(rootPassword) + ";",
          "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;", ""));
      launch(Duration.ofSeconds(90));
      afterFirstStart();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Hook for fixtures built on this server (accounts, procedures), run once after the first start. */
  protected void afterFirstStart() {}

  @Override
  protected List<String> config(int port) {
    List<String> lines = new ArrayList<>(mysql.baseConfig());
    lines.addAll(List.of(
        "datadir=" + dataDir,
        "tmpdir=" + dir.resolve("tmp"),
        "secure-file-priv=" + dir.resolve("files"),
        "socket=" + dir.resolve("mysqld.sock"),
        "pid-file=" + dir.resolve("mysqld.pid"),
        "log-error=" + dir.resolve("error.log"),
        "port=" + port,
        "bind-address=127.0.0.1",
        "skip-name-resolve",
        "server-id=" + serverId,
        "character-set-server=utf8mb4",
        "innodb_buffer_pool_size=128M",
        "innodb_redo_log_capacity=64M",
        "innodb_flush_log_at_trx_commit=2",
        "sync_binlog=0",
        "max_connections=300",
        "max_allowed_packet=256M",
        "local_infile=1",
        "relay-log=relay-bin",
        "log-replica-updates=ON",
        "gtid_mode=" + (options.gtid ? "ON" : "OFF"),
        "enforce_gtid_consistency=" + (options.gtid ? "ON" : "OFF"),
        "init-file=" + dir.resolve("init.sql")));
    if (options.binlog) {
      lines.add("log-bin=" + options.binlogBasename);
      lines.add("binlog_format=" + options.binlogFormat);
    } else {
      lines.add("disable-log-bin");
    }
    if (options.clonePlugin) lines.add(MySqlServer.CLONE_PLUGIN);
    lines.addAll(options.extraConfig);
    return lines;
  }

  @Override
  protected List<String> serverCommand() {
    return mysql.serverCommand(configFile);
  }

  @Override
  protected String jdbcUrl(String host, int port, String database) {
    return "jdbc:mysql://" + host + ":" + port + "/" + (database == null ? "" : database)
        + "?sslMode=PREFERRED&allowPublicKeyRetrieval=true&connectTimeout=5000&allowLoadLocalInfile=true"
        + "&rewriteBatchedStatements=true&characterEncoding=UTF-8&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true";
  }

  @Override
  public Engine engine() {
    return Engine.MYSQL;
  }

  @Override
  public String flavor() {
    return "mysql";
  }

  public MySqlServer installation() {
    return mysql;
  }

  /** secure_file_priv: the only directory LOAD DATA INFILE / SELECT ... INTO OUTFILE may use. */
  public Path filesDir() {
    return dir.resolve("files");
  }

  @Override
  public List<String> clientCommand() {
    return mysql.clientCommand(host(), port(), "root", "--ssl-mode=PREFERRED");
  }

  public String serverUuid() {
    return query("SELECT @@server_uuid");
  }

  @Override
  public String[] binlogPosition() {
    List<String> st = queryRows("SHOW BINARY LOG STATUS");
    if (st.isEmpty()) throw new IllegalStateException(name + " has no binary log");
    String[] f = st.get(0).split("\t", -1);
    return new String[] {f[0], f[1]};
  }

  /** The source's executed GTID set ({@code @@gtid_executed}). */
  public String gtidExecuted() {
    return query("SELECT @@GLOBAL.gtid_executed");
  }

  /** Replicates from {@code source}'s current file and position (over TLS, as MySQL replicas do by default). */
  @Override
  public void replicateFrom(LocalServer source) {
    replicateFrom(source, false);
  }

  /**
   * Replicates from {@code source}: by GTID auto-position (both need GTID on), or from the
   * source's current binary log file and position. The connection uses TLS (SOURCE_SSL=1; the
   * source's certificate is not verified): caching_sha2_password refuses a plain connection
   * unless the replica fetches the source's RSA key.
   */
  public void replicateFrom(LocalServer source, boolean autoPosition) {
    requireSameEngine(source);
    String position;
    if (autoPosition) {
      position = "SOURCE_AUTO_POSITION=1";
    } else {
      String[] f = source.binlogPosition();
      position = "SOURCE_LOG_FILE=" + quote(f[0]) + ", SOURCE_LOG_POS=" + f[1]
          + (options.gtid ? ", SOURCE_AUTO_POSITION=0" : "");
    }
    sql("STOP REPLICA", "RESET REPLICA ALL",
        "CHANGE REPLICATION SOURCE TO SOURCE_HOST='127.0.0.1', SOURCE_PORT=" + source.port()
            + ", SOURCE_USER='root', SOURCE_PASSWORD=" + quote(source.rootPassword()) + ", " + position
            + ", SOURCE_SSL=1, SOURCE_CONNECT_RETRY=1",
        "START REPLICA");
  }

  @Override
  public void resetReplication() {
    sql("STOP REPLICA", "RESET REPLICA ALL");
  }

  /** Waits until the replica has applied everything the source has executed (GTID) or reached its position. */
  public void awaitCaughtUp(LocalMySql source, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      List<String> st = queryRows("SELECT SERVICE_STATE, LAST_ERROR_MESSAGE FROM performance_schema.replication_applier_status_by_worker");
      last = String.join(" | ", st) + " / " + String.join(" | ",
          queryRows("SELECT SERVICE_STATE, LAST_ERROR_MESSAGE FROM performance_schema.replication_connection_status"));
      if (source.options.gtid && options.gtid) {
        String want = source.gtidExecuted();
        if ("1".equals(query("SELECT GTID_SUBSET(" + quote(want) + ", @@GLOBAL.gtid_executed)"))) return;
      } else {
        String[] want = source.binlogPosition();
        List<String> rs = queryRows("SHOW REPLICA STATUS");
        if (!rs.isEmpty()) {
          String s = String.join("\t", rs);
          if (s.contains(want[0]) && relayExecutedAt(want)) return;
        }
      }
      dev.migrator.servers.ServerProcess.sleep(100);
    }
    throw new IllegalStateException(name + " did not catch up with " + source.name() + " in " + timeout + ": " + last);
  }

  private boolean relayExecutedAt(String[] want) {
    try (var c = connect(); var s = c.createStatement(); var rs = s.executeQuery("SHOW REPLICA STATUS")) {
      if (!rs.next()) return false;
      return want[0].equals(rs.getString("Relay_Source_Log_File"))
          && Long.parseLong(want[1]) <= rs.getLong("Exec_Source_Log_Pos");
    } catch (java.sql.SQLException e) {
      return false;
    }
  }
}
