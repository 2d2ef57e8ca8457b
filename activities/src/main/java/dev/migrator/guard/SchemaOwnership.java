package dev.migrator.guard;

import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.Sql;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which target schemas a migration created, recorded on the target itself: one row per schema in
 * {@code migrator_meta.owned_schemas}, written (not binary-logged where allowed) when the schema
 * step claims a schema, before it creates it, with the objects it creates there. A migration
 * empties or drops only schemas it owns, and keeps one that holds objects it did not create; a
 * second migration cannot take a schema another one owns; a completed migration releases its
 * schemas to the application.
 */
public final class SchemaOwnership {
  public static final String META_SCHEMA = "migrator_meta";
  static final String TABLE = Sql.table(META_SCHEMA, "owned_schemas");
  /** Failure type when a schema is not this migration's to write into. */
  public static final String NOT_OWNED = "TargetSchemaNotOwned";

  private SchemaOwnership() {}

  /** The migration an activity works for: its workflow id, and the request's name for messages. */
  public record Owner(String workflowId, String migrationId) {
    /** The calling activity's workflow (outside an activity: the migration id). */
    public static Owner of(String migrationId) {
      String wf;
      try {
        wf = Activity.getExecutionContext().getInfo().getWorkflowId();
      } catch (RuntimeException notInAnActivity) {
        wf = migrationId;
      }
      return new Owner(wf, migrationId == null ? wf : migrationId);
    }
  }

  /** One ownership row. */
  public record Claim(String schema, String workflowId, String migrationId, String state, Set<String> objects,
      String claimedAt) {
    public boolean ownedBy(Owner o) {
      return workflowId.equals(o.workflowId());
    }

    public String describeOwner() {
      return "migration " + migrationId + " (workflow " + workflowId + ", since " + claimedAt + ")";
    }
  }

  /** Creates the meta schema and table if missing. */
  public static void ensureTable(Connection c) throws SQLException {
    unlogged(c);
    Jdbc.exec(c, "CREATE DATABASE IF NOT EXISTS " + Sql.id(META_SCHEMA),
        "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
            + " schema_name VARCHAR(64) NOT NULL PRIMARY KEY,"
            + " workflow_id VARCHAR(255) NOT NULL,"
            + " migration_id VARCHAR(255) NOT NULL,"
            + " state VARCHAR(16) NOT NULL,"
            + " objects MEDIUMTEXT NULL,"
            + " claimed_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
            + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  }

  /** Every ownership row, by schema; empty when the table does not exist. */
  public static Map<String, Claim> readAll(Connection c) throws SQLException {
    Map<String, Claim> out = new LinkedHashMap<>();
    try {
      for (Map<String, String> row : Jdbc.rows(c, "SELECT schema_name, workflow_id, migration_id, state, objects,"
          + " claimed_at FROM " + TABLE)) {
        out.put(row.get("schema_name"), claim(row));
      }
    } catch (SQLException e) {
      // 1142: the account may not read it (preflight with an account that lacks the grant): unknown owners
      if (e.getErrorCode() != MySqlErrors.ER_NO_SUCH_TABLE && e.getErrorCode() != MySqlErrors.ER_BAD_DB && e.getErrorCode() != MySqlErrors.ER_TABLEACCESS_DENIED) throw e;
    }
    return out;
  }

  /** The ownership row of one schema, or null. */
  public static Claim read(Connection c, String schema) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT schema_name, workflow_id, migration_id, state, objects,"
        + " claimed_at FROM " + TABLE + " WHERE schema_name = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        Map<String, String> row = new LinkedHashMap<>();
        for (String col : List.of("schema_name", "workflow_id", "migration_id", "state", "objects", "claimed_at")) {
          row.put(col, rs.getString(col));
        }
        return claim(row);
      }
    } catch (SQLException e) {
      if (e.getErrorCode() == MySqlErrors.ER_NO_SUCH_TABLE || e.getErrorCode() == MySqlErrors.ER_BAD_DB) return null;
      throw e;
    }
  }

  private static Claim claim(Map<String, String> row) {
    Set<String> objects = new LinkedHashSet<>();
    String o = row.get("objects");
    if (o != null) for (String line : o.split("\n")) if (!line.isBlank()) objects.add(line);
    return new Claim(row.get("schema_name"), row.get("workflow_id"), row.get("migration_id"), row.get("state"),
        objects, row.get("claimed_at"));
  }

  /**
   * Makes {@code schema} this migration's on the target and creates it, or says why it may not:
   * ours already (a retry: created if missing), owned by another migration, or present without an
   * owner (never written into). Never uses IF NOT EXISTS: a schema that appears between the claim
   * and the CREATE is not taken.
   */
  public static void claimAndCreate(Connection c, String schema, Owner owner, String createSql) throws SQLException {
    Claim existing = read(c, schema);
    boolean exists = schemaExists(c, schema);
    if (existing != null && existing.ownedBy(owner)) {
      // A retry: the earlier attempt claimed it (preflight saw it absent), and may have created it.
      if (!exists) Jdbc.exec(c, createSql);
      return;
    }
    if (existing != null && exists) {
      throw ApplicationFailure.newNonRetryableFailure("target: schema '" + schema + "' belongs to "
          + existing.describeOwner() + ": a migration never writes into another one's schema; migrate into"
          + " another target, or roll that migration back first", NOT_OWNED);
    }
    if (existing != null) release(c, schema, new Owner(existing.workflowId(), existing.migrationId())); // stale
    if (exists) {
      throw ApplicationFailure.newNonRetryableFailure("target: schema '" + schema + "' already exists on the target"
          + " and migrator did not create it: it never writes into or drops a schema it did not create; if it is"
          + " a leftover, check it holds nothing you need and DROP DATABASE it, or migrate into another target",
          NOT_OWNED);
    }
    unlogged(c);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
        + " (schema_name, workflow_id, migration_id, state) VALUES (?, ?, ?, 'claimed')")) {
      ps.setString(1, schema);
      ps.setString(2, owner.workflowId());
      ps.setString(3, owner.migrationId());
      ps.executeUpdate();
    } catch (SQLException e) {
      if (e.getErrorCode() != MySqlErrors.ER_DUP_ENTRY) throw e;
      Claim other = read(c, schema);
      throw ApplicationFailure.newNonRetryableFailure("target: schema '" + schema + "' was just claimed by "
          + (other == null ? "another migration" : other.describeOwner()) + ": two migrations cannot share it",
          NOT_OWNED);
    }
    try {
      Jdbc.exec(c, createSql);
    } catch (SQLException e) {
      if (e.getErrorCode() != MySqlErrors.ER_DB_CREATE_EXISTS) throw e;
      release(c, schema, owner);
      throw ApplicationFailure.newNonRetryableFailure("target: schema '" + schema + "' appeared on the target"
          + " while this migration claimed it (ERROR 1007): it is not this migration's and is left alone", NOT_OWNED);
    }
  }

  /** Adds to the objects this migration creates in its schema ("TABLE t", "VIEW v", "TRIGGER tr", ...). */
  public static void recordObjects(Connection c, String schema, Owner owner, Collection<String> objects)
      throws SQLException {
    Claim existing = read(c, schema);
    if (existing == null || !existing.ownedBy(owner)) return;
    Set<String> all = new TreeSet<>(existing.objects());
    for (String o : objects) all.add(normalize(o));
    unlogged(c);
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET state = 'created', objects = ?"
        + " WHERE schema_name = ? AND workflow_id = ?")) {
      ps.setString(1, String.join("\n", all));
      ps.setString(2, schema);
      ps.setString(3, owner.workflowId());
      ps.executeUpdate();
    }
  }

  /** Forgets this migration's ownership of the schema. Idempotent. */
  public static void release(Connection c, String schema, Owner owner) throws SQLException {
    unlogged(c);
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE schema_name = ? AND workflow_id = ?")) {
      ps.setString(1, schema);
      ps.setString(2, owner.workflowId());
      ps.executeUpdate();
    } catch (SQLException e) {
      if (e.getErrorCode() != MySqlErrors.ER_NO_SUCH_TABLE && e.getErrorCode() != MySqlErrors.ER_BAD_DB) throw e;
    }
  }

  /**
   * Drops the meta schema once no migration owns anything on this target: every table in it
   * (owned schemas, owned accounts, ...) is empty.
   */
  public static void dropTableIfEmpty(Connection c) throws SQLException {
    for (Map<String, String> t : Jdbc.rows(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
        + Sql.literal(META_SCHEMA))) {
      if (Jdbc.scalar(c, "SELECT 1 FROM " + Sql.table(META_SCHEMA, t.get("TABLE_NAME")) + " LIMIT 1") != null) return;
    }
    if (!schemaExists(c, META_SCHEMA)) return;
    unlogged(c);
    Jdbc.exec(c, "DROP DATABASE IF EXISTS " + Sql.id(META_SCHEMA));
  }

  /** Objects in the schema now, as recordObjects names them. */
  public static Set<String> objectsOf(Connection c, String schema) throws SQLException {
    Set<String> out = new TreeSet<>();
    String s = Sql.literal(schema);
    for (Map<String, String> row : Jdbc.rows(c, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
        + " WHERE TABLE_SCHEMA = " + s)) {
      out.add(normalize(("VIEW".equals(row.get("TABLE_TYPE")) ? "VIEW " : "TABLE ") + row.get("TABLE_NAME")));
    }
    for (Map<String, String> row : Jdbc.rows(c, "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES"
        + " WHERE ROUTINE_SCHEMA = " + s)) {
      out.add(normalize(row.get("ROUTINE_TYPE") + " " + row.get("ROUTINE_NAME")));
    }
    for (Map<String, String> row : Jdbc.rows(c, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS"
        + " WHERE TRIGGER_SCHEMA = " + s)) {
      out.add(normalize("TRIGGER " + row.get("TRIGGER_NAME")));
    }
    try {
      for (Map<String, String> row : Jdbc.rows(c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " + s)) {
        out.add(normalize("EVENT " + row.get("EVENT_NAME")));
      }
    } catch (SQLException e) {
      if (e.getErrorCode() != MySqlErrors.ER_EVENTS_DB_ERROR) throw e; // event_scheduler=DISABLED: events cannot be listed
    }
    return out;
  }

  /** Objects present in the schema that this migration did not record as its own. */
  public static Set<String> foreignObjects(Connection c, Claim claim) throws SQLException {
    Set<String> foreign = new TreeSet<>(objectsOf(c, claim.schema()));
    foreign.removeAll(claim.objects());
    return foreign;
  }

  public static boolean schemaExists(Connection c, String schema) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** "TABLE Orders" and "table orders" name one object (lower_case_table_names may fold either). */
  static String normalize(String object) {
    return object.toUpperCase(Locale.ROOT).substring(0, object.indexOf(' ')) + object.substring(object.indexOf(' '))
        .toLowerCase(Locale.ROOT);
  }

  private static void unlogged(Connection c) throws SQLException {
    // RDS/Aurora: binary-logged, which is harmless (the row is the target's own bookkeeping)
    dev.migrator.mysql.Session.unlogged(c);
  }
}
