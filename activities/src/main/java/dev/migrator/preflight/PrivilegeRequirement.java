package dev.migrator.preflight;

import dev.migrator.model.FreezeMethod;
import dev.migrator.model.MigrationRequest;
import java.util.ArrayList;
import java.util.List;

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
    if (r.target != null && !r.target.isRdsFamily()) {
      out.add(global("target", "replicate", "configure and start replication (CHANGE MASTER, START SLAVE,"
          + " replication filter)", "SUPER", "REPLICATION SLAVE ADMIN"));
      out.add(global("target", "replicate", "watch replication (SHOW SLAVE STATUS)",
          "SUPER", "REPLICATION CLIENT", "REPLICATION SLAVE ADMIN", "SLAVE MONITOR", "REPLICA MONITOR"));
      out.add(global("target", "cutover", "switch read_only (SET GLOBAL read_only)",
          "SUPER", "READ ONLY ADMIN", "SYSTEM VARIABLES ADMIN"));
    }
    return out;
  }
}
