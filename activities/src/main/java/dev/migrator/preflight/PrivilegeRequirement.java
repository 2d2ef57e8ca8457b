package dev.migrator.preflight;

import dev.migrator.model.FreezeMethod;
import dev.migrator.model.MigrationRequest;
import dev.migrator.mysql.ServerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One privilege a step of the migration needs on one side: held globally (*.*) or on every
 * migrated schema; any of {@link #anyOf} will do (SUPER or its MySQL 8 / MariaDB 10.5+ split-off).
 * {@link #forRequest} is the least-privilege list documented in docs/preflight.md.
 */
public record PrivilegeRequirement(String role, String step, boolean perSchema, String onTable, List<String> anyOf,
    String why) {

  static PrivilegeRequirement global(String role, String step, String why, String... anyOf) {
    return new PrivilegeRequirement(role, step, false, null, List.of(anyOf), why);
  }

  static PrivilegeRequirement schema(String role, String step, String why, String... anyOf) {
    return new PrivilegeRequirement(role, step, true, null, List.of(anyOf), why);
  }

  /** On one table ("mysql.user"), its schema or *.*. */
  static PrivilegeRequirement table(String role, String step, String table, String why, String... anyOf) {
    return new PrivilegeRequirement(role, step, false, table, List.of(anyOf), why);
  }

  /** How MariaDB 10.5+ and MySQL 8 spell the privileges that SUPER was split into. */
  private static final Map<String, String> MARIADB_SPLIT = Map.of(
      "READ ONLY ADMIN", "READ_ONLY ADMIN", "REPLICATION SLAVE ADMIN", "REPLICATION SLAVE ADMIN",
      "SLAVE MONITOR", "SLAVE MONITOR");
  private static final Map<String, String> MYSQL8_SPLIT = Map.of(
      "SYSTEM VARIABLES ADMIN", "SYSTEM_VARIABLES_ADMIN", "REPLICATION SLAVE ADMIN", "REPLICATION_SLAVE_ADMIN",
      "REPLICATION CLIENT", "REPLICATION CLIENT");

  /** The least of {@link #anyOf} to grant on this server, spelled the way it accepts it. */
  public String suggestion(ServerInfo server) {
    if (!anyOf.get(0).equals("SUPER") || anyOf.size() == 1) return anyOf.get(0);
    boolean mariaSplit = server.mariadb() && (server.major() > 10 || (server.major() == 10 && server.minor() >= 5));
    boolean mysqlSplit = !server.mariadb() && server.major() >= 8;
    for (String p : anyOf) {
      if (mariaSplit && MARIADB_SPLIT.containsKey(p)) return MARIADB_SPLIT.get(p);
      if (mysqlSplit && MYSQL8_SPLIT.containsKey(p)) return MYSQL8_SPLIT.get(p);
    }
    return "SUPER";
  }

  public String label() {
    return String.join(" or ", anyOf) + (onTable != null ? " on " + onTable : perSchema ? " on the schemas" : " on *.*");
  }

  /** What the steps of this request do with each account. */
  public static List<PrivilegeRequirement> forRequest(MigrationRequest r, boolean sourceIsMariaDb) {
    List<PrivilegeRequirement> out = new ArrayList<>();
    String copy = "schema+copy";
    out.add(schema("source", copy, "read the rows", "SELECT"));
    out.add(schema("source", copy, "read view definitions (SHOW CREATE VIEW)", "SHOW VIEW"));
    out.add(schema("source", copy, "read trigger definitions", "TRIGGER"));
    out.add(schema("source", copy, "read event definitions", "EVENT"));
    out.add(global("source", "freeze+cutover", "read the binlog position (SHOW MASTER STATUS)",
        "REPLICATION CLIENT", "BINLOG MONITOR", "SUPER"));
    if (FreezeMethod.LIVE_CONSISTENT.equals(r.method) && !sourceIsMariaDb) {
      out.add(global("source", "freeze", "take the brief global read lock that pins the snapshot's binlog position"
          + " (FLUSH TABLES WITH READ LOCK)", "RELOAD"));
    }
    out.add(table("source", "replicate", "mysql.user", "see whether the replication account exists", "SELECT"));
    if (r.replication != null && r.replication.createUser) {
      out.add(global("source", "replicate", "create the replication account (replication.createUser)", "CREATE USER"));
      out.add(global("source", "replicate", "grant REPLICATION SLAVE to the replication account", "REPLICATION SLAVE"));
      out.add(global("source", "replicate", "grant privileges to the replication account", "GRANT OPTION"));
    }
    if (r.source != null && !r.source.isRdsFamily()) {
      out.add(global("source", "cutover", "make the source read-only (SET GLOBAL read_only)",
          "SUPER", "READ ONLY ADMIN", "SYSTEM VARIABLES ADMIN"));
      if (r.cutover == null || !"none".equals(r.cutover.sourceWriteLock)) {
        out.add(global("source", "cutover", "hold a global read lock from the drain until traffic is switched, where"
            + " read_only lets privileged accounts write (FLUSH TABLES WITH READ LOCK)", "RELOAD"));
      }
      out.add(global("source", "cutover", "see who else can write to the source (the process list)", "PROCESS", "SUPER"));
    }
    String load = "schema+copy+verify";
    out.add(schema("target", load, "create the schemas and tables", "CREATE"));
    out.add(schema("target", load, "load the rows", "INSERT"));
    out.add(schema("target", load, "checksum the copied rows", "SELECT"));
    out.add(schema("target", load, "change tables (deferred indexes)", "ALTER"));
    out.add(schema("target", load, "create secondary indexes", "INDEX"));
    out.add(schema("target", load, "empty tables (TRUNCATE) and drop created schemas on rollback", "DROP"));
    out.add(schema("target", load, "create views", "CREATE VIEW"));
    out.add(schema("target", load, "create triggers", "TRIGGER"));
    out.add(schema("target", load, "create stored routines", "CREATE ROUTINE"));
    for (String p : List.of("CREATE", "SELECT", "INSERT", "UPDATE", "DELETE", "DROP")) {
      out.add(table("target", "schema", "migrator_meta.owned_schemas", "record which schemas this migration created"
          + " (so its rollback drops only those)", p));
    }
    if (r.target != null && !r.target.isRdsFamily()) {
      out.add(global("target", "replicate", "configure and start replication (CHANGE MASTER, START SLAVE,"
          + " replication filter)", "SUPER", "REPLICATION SLAVE ADMIN"));
      out.add(global("target", "replicate", "watch replication (SHOW SLAVE STATUS)",
          "SUPER", "REPLICATION CLIENT", "SLAVE MONITOR", "REPLICA MONITOR", "REPLICATION SLAVE ADMIN"));
      out.add(global("target", "cutover", "switch read_only (SET GLOBAL read_only)",
          "SUPER", "READ ONLY ADMIN", "SYSTEM VARIABLES ADMIN"));
    }
    return out;
  }
}
