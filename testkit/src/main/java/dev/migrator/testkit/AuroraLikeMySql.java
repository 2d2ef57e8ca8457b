package dev.migrator.testkit;

import dev.migrator.servers.MySqlServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A real MySQL 9.7 server made to behave like Aurora MySQL / RDS for MySQL where it matters to
 * migrator:
 *
 * <ul>
 *   <li>migrations use an <b>admin user</b> (RDS's "master user", default {@code admin}) that has
 *       what the master user has, WITH GRANT OPTION, but not SUPER, SYSTEM_VARIABLES_ADMIN,
 *       REPLICATION_SLAVE_ADMIN, BINLOG_ADMIN, SET_ANY_DEFINER, ALLOW_NONEXISTENT_DEFINER,
 *       CONNECTION_ADMIN, SYSTEM_USER: {@code SET GLOBAL read_only}, {@code CHANGE REPLICATION
 *       SOURCE TO}, {@code START REPLICA} and a foreign DEFINER fail with ERROR 1227 as on RDS;
 *       its password is behind a {@code file:} reference ({@link #migrationPasswordRef()}). The
 *       harness keeps its own root (root@127.0.0.1, root@%) for setup and inspection;
 *   <li>the {@code mysql.rds_*} procedures as SQL SECURITY DEFINER stand-ins whose definer is a
 *       hidden, locked admin account ({@code rdsadmin@localhost}), with AWS's names and parameter
 *       lists for the chosen {@link Generation}; {@code rds_set_configuration} keeps its values in
 *       {@code mysql.rds_configuration} (nothing purges binlogs by it here) and
 *       {@code rds_show_configuration} returns them as RDS does (name, value, description);
 *   <li>{@code require_secure_transport=ON}, TLS 1.2/1.3 (Aurora 8.4's default), with MySQL's
 *       self-signed certificates from initialise or a CA-signed set the test provides
 *       ({@link Options#tls});
 *   <li>binary log basename {@code mysql-bin-changelog}, ROW, GTID off by default (option), relay
 *       log {@code relaylog}.
 * </ul>
 */
public final class AuroraLikeMySql extends LocalMySql {
  /** Which procedure set the fixture has (AWS's documented names and parameter lists). */
  public enum Generation {
    /**
     * Aurora MySQL version 3 (8.0-compatible): the {@code _source} names, {@code rds_set_read_only},
     * and the older {@code _master} names, which version 3 still has (documented as deprecated).
     * {@code rds_set_external_*_with_auto_position} take 5 arguments (no delay: Aurora has no
     * delayed replication).
     */
    AURORA_MYSQL_3("aurora-mysql", true, true, false, 2160),
    /** RDS for MySQL 8.0: only the {@code _master} names; {@code _with_auto_position} takes a 6th argument, delay. */
    RDS_MYSQL_80("rds-mysql", true, false, true, 168),
    /** RDS for MySQL 8.4 (and an 8.4-compatible Aurora): only the {@code _source} names; delay as on 8.0. */
    RDS_MYSQL_84("rds-mysql", false, true, true, 168);

    final String flavor;
    final boolean masterNames;
    final boolean sourceNames;
    final boolean delayArgument;
    final int maxRetentionHours;

    Generation(String flavor, boolean masterNames, boolean sourceNames, boolean delayArgument, int maxRetentionHours) {
      this.flavor = flavor;
      this.masterNames = masterNames;
      this.sourceNames = sourceNames;
      this.delayArgument = delayArgument;
      this.maxRetentionHours = maxRetentionHours;
    }
  }

  /**
   * The admin user's privileges: RDS's master user (rds_superuser_role, RDS for MySQL 8.0.36+ and
   * 8.4) less SUPER and the dynamic privileges RDS keeps for itself. Aurora MySQL 3 documents
   * CONNECTION_ADMIN and SET_USER_ID for its master user too; add them with
   * {@link Options#adminPrivilege} where a test needs that (MySQL 9.7 has no SET_USER_ID: it is
   * SET_ANY_DEFINER + ALLOW_NONEXISTENT_DEFINER).
   */
  public static final List<String> ADMIN_PRIVILEGES = List.of(
      "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "RELOAD", "PROCESS", "REFERENCES", "INDEX", "ALTER",
      "SHOW DATABASES", "CREATE TEMPORARY TABLES", "LOCK TABLES", "EXECUTE", "REPLICATION SLAVE",
      "REPLICATION CLIENT", "CREATE VIEW", "SHOW VIEW", "CREATE ROUTINE", "ALTER ROUTINE", "CREATE USER", "EVENT",
      "TRIGGER", "CREATE ROLE", "DROP ROLE",
      "APPLICATION_PASSWORD_ADMIN", "ROLE_ADMIN", "XA_RECOVER_ADMIN", "SHOW_ROUTINE", "FLUSH_OPTIMIZER_COSTS",
      "FLUSH_STATUS", "FLUSH_TABLES", "FLUSH_USER_RESOURCES", "FLUSH_PRIVILEGES");

  /** The hidden account that owns the procedures (as on RDS). */
  public static final String RDS_ADMIN = "'rdsadmin'@'localhost'";

  /** How to start the fixture. */
  public static final class Options extends LocalMySql.Options {
    public Generation generation = Generation.AURORA_MYSQL_3;
    public String adminUser = "admin";
    public List<String> adminPrivileges = new ArrayList<>(ADMIN_PRIVILEGES);
    public boolean requireSecureTransport = true;
    public Path tlsCa;
    public Path tlsCert;
    public Path tlsKey;

    public Options() {
      name = "aurora";
      gtid = false;
      binlogBasename = "mysql-bin-changelog";
    }

    @Override
    public Options name(String n) {
      name = n;
      return this;
    }

    @Override
    public Options gtid(boolean on) {
      gtid = on;
      return this;
    }

    @Override
    public Options config(String line) {
      extraConfig.add(line);
      return this;
    }

    public Options generation(Generation g) {
      generation = g;
      return this;
    }

    public Options adminUser(String u) {
      adminUser = u;
      return this;
    }

    /** One more privilege for the admin user (e.g. CONNECTION_ADMIN, as Aurora MySQL 3 documents). */
    public Options adminPrivilege(String p) {
      adminPrivileges.add(p);
      return this;
    }

    public Options requireSecureTransport(boolean on) {
      requireSecureTransport = on;
      return this;
    }

    /** The server's certificate and key and the CA that signed them (e.g. {@link TestCertificates}). */
    public Options tls(Path ca, Path cert, Path key) {
      tlsCa = ca;
      tlsCert = cert;
      tlsKey = key;
      return this;
    }
  }

  private final Options auroraOptions;
  private final String adminPassword;
  private final Path adminPasswordFile;

  private AuroraLikeMySql(MySqlServer mysql, Options o, Path dir) {
    super(mysql, o, dir);
    this.auroraOptions = o;
    this.adminPassword = randomPassword("admin-");
    this.adminPasswordFile = dir.resolve("admin.password");
  }

  public static AuroraLikeMySql start(String name) {
    return start(new Options().name(name));
  }

  public static AuroraLikeMySql start(Options o) {
    AuroraLikeMySql db = new AuroraLikeMySql(MySqlServer.require(), o, newDir(o.name));
    db.startFirst();
    return db;
  }

  @Override
  protected List<String> config(int port) {
    List<String> lines = super.config(port);
    lines.add("relay-log=relaylog");
    lines.add("tls_version=TLSv1.2,TLSv1.3");
    if (auroraOptions.requireSecureTransport) lines.add("require_secure_transport=ON");
    if (auroraOptions.tlsCert != null) {
      lines.add("ssl_ca=" + auroraOptions.tlsCa);
      lines.add("ssl_cert=" + auroraOptions.tlsCert);
      lines.add("ssl_key=" + auroraOptions.tlsKey);
    }
    return lines;
  }

  @Override
  protected String jdbcUrl(String host, int port, String database) {
    // The harness's own connections: TLS required (the server requires it), certificate not verified.
    return super.jdbcUrl(host, port, database).replace("sslMode=PREFERRED", "sslMode=REQUIRED");
  }

  @Override
  public List<String> clientCommand() {
    return mysql.clientCommand(host(), port(), "root", "--ssl-mode=REQUIRED");
  }

  @Override
  protected void afterFirstStart() {
    writePrivate(adminPasswordFile, adminPassword);
    List<String> st = new ArrayList<>(List.of(
        "SET sql_log_bin = 0",
        "CREATE USER " + RDS_ADMIN + " IDENTIFIED BY " + quote(randomPassword("rdsadmin-")) + " ACCOUNT LOCK",
        "GRANT ALL PRIVILEGES ON *.* TO " + RDS_ADMIN + " WITH GRANT OPTION",
        "CREATE USER " + admin() + " IDENTIFIED BY " + quote(adminPassword),
        "GRANT " + String.join(", ", auroraOptions.adminPrivileges) + " ON *.* TO " + admin() + " WITH GRANT OPTION",
        "CREATE TABLE mysql.rds_configuration (name VARCHAR(100) NOT NULL PRIMARY KEY, value VARCHAR(100),"
            + " description VARCHAR(300) NOT NULL) ENGINE=InnoDB",
        "INSERT INTO mysql.rds_configuration VALUES ('binlog retention hours', NULL, 'binlog retention hours"
            + " specifies the duration in hours before binary logs are automatically deleted.')"));
    if (auroraOptions.generation.delayArgument) {
      st.add("INSERT INTO mysql.rds_configuration VALUES ('source delay', '0', 'source delay specifies replication"
          + " delay in seconds between current instance and its master.'), ('target delay', '0', 'target delay"
          + " specifies replication delay in seconds between current instance and its future read-replica.')");
    }
    st.addAll(RdsProcedures.create(auroraOptions.generation));
    try (Connection c = connect(); java.sql.Statement s = c.createStatement()) {
      for (String x : st) s.execute(x);
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": setting up the Aurora-like fixture failed: " + e.getMessage(), e);
    }
  }

  private String admin() {
    return quote(auroraOptions.adminUser) + "@'%'";
  }

  public Generation generation() {
    return auroraOptions.generation;
  }

  @Override
  public String flavor() {
    return auroraOptions.generation.flavor;
  }

  /** The admin user (RDS's master user): the account migrations use. */
  @Override
  public String migrationUser() {
    return auroraOptions.adminUser;
  }

  @Override
  public String migrationPasswordRef() {
    return "file:" + adminPasswordFile;
  }

  /** The admin user's password, for harness code only. */
  public String adminPassword() {
    return adminPassword;
  }

  /** A connection as the admin user (TLS required, certificate not verified). */
  public Connection connectAsAdmin() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(null), auroraOptions.adminUser, adminPassword);
  }

  /** The CA that signed the server's certificate: the test's, or the one MySQL generated at initialise. */
  public Path caFile() {
    return auroraOptions.tlsCa != null ? auroraOptions.tlsCa : dataDir.resolve("ca.pem");
  }
}
