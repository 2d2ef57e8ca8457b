package dev.migrator.testkit;

import dev.migrator.servers.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway MariaDB server (Debian's mariadbd) on 127.0.0.1: random free port, its own data dir
 * and tmpdir, a distinct server id, binary log on (ROW). Used by tests, the demo and benchmarks;
 * several run at once. Started through {@link dev.migrator.servers.ServerProcess}: {@link #close()}
 * stops it and deletes every file, and a shutdown hook does the same for any server still running
 * when the JVM exits, so a failing test leaves nothing behind. Without {@link Options#tls} it
 * has no TLS (Debian's MariaDB 10.11 makes no certificates of its own); with it, TLS with the
 * given certificates, optionally required of every client ({@link Options#requireSecureTransport}).
 */
public final class LocalMariaDb extends AbstractLocalServer {
  public static final String INSTALL_HINT = MariaDbServer.INSTALL_HINT;

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
    /** TLS: the server's CA, certificate and key (e.g. {@link TestCertificates}); null: no TLS. */
    public Path tlsCa;
    public Path tlsCert;
    public Path tlsKey;
    /** require_secure_transport=ON (needs {@link #tls}): every client must use TLS, the harness too. */
    public boolean requireSecureTransport;

    /** The server's certificate and key and the CA that signed them; the harness then connects over TLS. */
    public Options tls(Path ca, Path cert, Path key) {
      tlsCa = ca;
      tlsCert = cert;
      tlsKey = key;
      return this;
    }

    public Options requireSecureTransport(boolean on) {
      requireSecureTransport = on;
      return this;
    }

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

  private final Options options;
  private boolean initFile;

  private LocalMariaDb(Options o, Path dir) {
    super(o.name, dir, o.existingDataDir != null ? o.existingDataDir : dir.resolve("data"), o.rootPassword);
    this.options = o;
  }

  public static LocalMariaDb start(String name) {
    return start(new Options().name(name));
  }

  public static LocalMariaDb start(Options o) {
    MariaDbServer.server(); // fails early, naming the packages, when MariaDB is not installed
    LocalMariaDb db = new LocalMariaDb(o, newDir(o.name));
    try {
      writePrivate(db.rootPasswordFile, db.rootPassword);
      if (o.existingDataDir == null) db.installDb();
      db.launch(Duration.ofSeconds(60));
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  private void installDb() {
    try {
      Files.createDirectories(dataDir);
      Files.createDirectories(dir.resolve("tmp"));
      Files.write(configFile, config(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MariaDbServer.installDb(configFile, dir.resolve("install.log"));
    // root@127.0.0.1 with a password, so that TCP clients authenticate like in production.
    // Not binlogged: a replica of this server must keep its own root password.
    writePrivate(dir.resolve("init.sql"), String.join("\n",
        "SET sql_log_bin = 0;",
        "CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '" + rootPassword + "';",
        "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
        "CREATE OR REPLACE USER 'root'@'%' IDENTIFIED BY '" + rootPassword + "';",
        "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;", ""));
    initFile = true;
  }

  @Override
  protected List<String> config(int port) {
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
    if (MariaDbServer.runningAsRoot()) lines.add("user=root");
    if (options.binlog) {
      lines.add("log-bin=mysql-bin");
      lines.add("binlog_format=" + options.binlogFormat);
    } else {
      lines.add("skip-log-bin");
    }
    if (options.tlsCert != null) {
      lines.add("ssl-ca=" + options.tlsCa);
      lines.add("ssl-cert=" + options.tlsCert);
      lines.add("ssl-key=" + options.tlsKey);
      if (options.requireSecureTransport) lines.add("require_secure_transport=ON");
    }
    lines.addAll(options.extraConfig);
    if (initFile) lines.add("init-file=" + dir.resolve("init.sql"));
    return lines;
  }

  @Override
  protected List<String> serverCommand() {
    return MariaDbServer.serverCommand(configFile);
  }

  @Override
  protected String jdbcUrl(String host, int port, String database) {
    // With TLS configured the harness's own connections use it (required, certificate not verified).
    return "jdbc:mysql://" + host + ":" + port + "/" + (database == null ? "" : database)
        + (options.tlsCert != null ? "?sslMode=REQUIRED" : "?useSSL=false") + "&allowPublicKeyRetrieval=true&connectTimeout=5000&allowLoadLocalInfile=true"
        + "&rewriteBatchedStatements=true&characterEncoding=UTF-8&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true";
  }

  @Override
  public Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  public String flavor() {
    return "mysql";
  }

  @Override
  public List<String> clientCommand() {
    List<String> c = MariaDbServer.clientCommand(host(), port(), "root");
    if (options.tlsCert != null) c.add("--ssl");
    return c;
  }

  @Override
  public String[] binlogPosition() {
    List<String> st = queryRows("SHOW MASTER STATUS");
    if (st.isEmpty()) throw new IllegalStateException(name + " has no binary log");
    String[] f = st.get(0).split("\t");
    return new String[] {f[0], f[1]};
  }

  /** Makes this server a replica of {@code source} from the source's current position. */
  @Override
  public void replicateFrom(LocalServer source) {
    requireSameEngine(source);
    String[] f = source.binlogPosition();
    sql("STOP SLAVE", "RESET SLAVE ALL",
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + source.port()
            + ", MASTER_USER='root', MASTER_PASSWORD=" + quote(source.rootPassword()) + ", MASTER_LOG_FILE='" + f[0]
            + "', MASTER_LOG_POS=" + f[1] + ", MASTER_USE_GTID=no, MASTER_CONNECT_RETRY=1",
        "START SLAVE");
  }

  @Override
  public void resetReplication() {
    sql("STOP SLAVE", "RESET SLAVE ALL");
  }
}
