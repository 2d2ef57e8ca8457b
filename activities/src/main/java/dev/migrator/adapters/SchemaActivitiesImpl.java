package dev.migrator.adapters;

import dev.migrator.activities.SchemaActivities;
import dev.migrator.guard.SchemaOwnership;
import dev.migrator.activities.SchemaInput;
import dev.migrator.model.SchemaResult;
import dev.migrator.model.TableRef;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.Session;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.Sql;
import io.temporal.failure.ApplicationFailure;
import io.temporal.activity.Activity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;

/**
 * Step 4. Creates the request's schemas and their tables, views, routines and events (disabled) on
 * the target from SHOW CREATE statements, with the compatibility rewrites of {@link SchemaRewrites};
 * triggers and deferred secondary indexes come after the verified load (createPostLoadObjects).
 * Every schema is claimed in the target's ownership table before it is created (never with IF NOT
 * EXISTS), with the objects created in it, so a retry after a crash knows what is its own, and the
 * rollback drops only that ({@link SchemaOwnership}).
 */
public class SchemaActivitiesImpl implements SchemaActivities {
  private final Connector connector;

  public SchemaActivitiesImpl(Connector connector) {
    this.connector = connector;
  }

  @Override
  public List<TableRef> listTables(SchemaInput r) {
    try (Connection src = connector.open("source", r.readFrom)) {
      return tables(src, r);
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  static List<TableRef> tables(Connection c, SchemaInput r) throws SQLException {
    List<TableRef> out = new ArrayList<>();
    for (String schema : r.schemas) {
      try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES"
          + " WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
        ps.setString(1, schema);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            TableRef t = new TableRef(schema, rs.getString(1));
            if (r.tables == null || r.tables.isEmpty() || r.tables.contains(t.qualified())) out.add(t);
          }
        }
      }
    }
    if (r.tables != null) {
      for (String want : r.tables) {
        if (out.stream().noneMatch(t -> t.qualified().equals(want))) {
          throw ApplicationFailure.newNonRetryableFailure("table '" + want + "' does not exist on the source (ERROR 1146):"
              + " check the name in 'tables' and lower_case_table_names", "NotFound");
        }
      }
    }
    return out;
  }


  /** Target session for DDL: no FK checks (creation order does not matter), not binlogged where allowed. */
  private static void prepareDdlSession(Connection dst, SchemaResult result) throws SQLException {
    Jdbc.exec(dst, "SET SESSION foreign_key_checks = 0");
    if (!Session.unlogged(dst)) result.notes.add("target: DDL is binary-logged (the account may not set sql_log_bin)");
  }

  @Override
  public SchemaResult createSchema(SchemaInput r) {
    SchemaResult result = new SchemaResult();
    try (Connection src = connector.open("source", r.readFrom);
        Connection dst = connector.open("target", r.target)) {
      prepareDdlSession(dst, result);
      result.tables = tables(src, r);
      SchemaOwnership.Owner owner = SchemaOwnership.Owner.of(r.migrationId);
      SchemaOwnership.ensureTable(dst);
      for (String schema : r.schemas) {
        Map<String, String> db = Jdbc.firstRow(src, "SELECT DEFAULT_CHARACTER_SET_NAME cs, DEFAULT_COLLATION_NAME co"
            + " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + Sql.literal(schema));
        if (db == null) {
          throw ApplicationFailure.newNonRetryableFailure("schema '" + schema + "' does not exist on the source (ERROR 1049)",
              "NotFound");
        }
        SchemaOwnership.claimAndCreate(dst, schema, owner, "CREATE DATABASE " + Sql.id(schema) + " CHARACTER SET "
            + db.get("cs") + " COLLATE " + db.get("co"));
        // Recorded before they are created: after a crash in between they are still known as ours.
        SchemaOwnership.recordObjects(dst, schema, owner, plannedObjects(src, schema, result.tables));
        result.createdSchemas.add(schema);
      }
      Set<String> engines = targetEngines(dst);
      boolean defer = r.deferSecondaryIndexes;
      for (TableRef t : result.tables) {
        String ddl = Jdbc.firstRow(src, "SHOW CREATE TABLE " + Sql.table(t.schema, t.table)).get("Create Table");
        ddl = SchemaRewrites.engine(ddl, t.qualified(), engines, result.notes);
        if (defer) {
          SchemaRewrites.Split split = SchemaRewrites.splitSecondaryIndexes(ddl);
          if (!split.deferred.isEmpty()) {
            result.notes.add("table " + t.qualified() + ": " + split.deferred.size()
                + " secondary index(es) deferred until after the load");
          }
          ddl = split.ddl;
        }
        ddl = ddl.replaceFirst("^CREATE TABLE ", "CREATE TABLE IF NOT EXISTS " + Sql.id(t.schema) + ".");
        Jdbc.exec(dst, ddl);
      }
      createViews(src, dst, r, result);
      String sqlMode = Jdbc.scalar(dst, "SELECT @@SESSION.sql_mode");
      for (String schema : r.schemas) {
        createRoutines(src, dst, r, schema, result);
        createEvents(src, dst, r, schema, result);
      }
      Jdbc.exec(dst, "SET SESSION sql_mode = " + Sql.literal(sqlMode));
      result.enabledEvents = enabledOnSource(r);
      return result;
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  /** What createSchema creates in one schema, as SchemaOwnership names objects. */
  private static List<String> plannedObjects(Connection src, String schema, List<TableRef> tables) throws SQLException {
    List<String> out = new ArrayList<>();
    for (TableRef t : tables) if (t.schema.equals(schema)) out.add("TABLE " + t.table);
    String s = Sql.literal(schema);
    for (Map<String, String> row : Jdbc.rows(src, "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = " + s)) {
      out.add("VIEW " + row.get("TABLE_NAME"));
    }
    for (Map<String, String> row : Jdbc.rows(src, "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES"
        + " WHERE ROUTINE_SCHEMA = " + s + " AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')")) {
      out.add(row.get("ROUTINE_TYPE") + " " + row.get("ROUTINE_NAME"));
    }
    try {
      for (Map<String, String> row : Jdbc.rows(src, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " + s)) {
        out.add("EVENT " + row.get("EVENT_NAME"));
      }
    } catch (SQLException e) {
      if (e.getErrorCode() != MySqlErrors.ER_EVENTS_DB_ERROR) throw e; // not copied either (see createEvents)
    }
    return out;
  }

  /**
   * The events ENABLED on the live source (not the frozen copy: a replica shows replicated events
   * as SLAVESIDE_DISABLED), for the cutover to move. A source that will not list them (event
   * scheduler DISABLED, ERROR 1577) has none to move.
   */
  private List<String> enabledOnSource(SchemaInput r) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection live = connector.open("source", r.source)) {
      for (String schema : r.schemas) {
        for (Map<String, String> row : Jdbc.rows(live, "SELECT EVENT_NAME FROM information_schema.EVENTS"
            + " WHERE EVENT_SCHEMA = " + Sql.literal(schema) + " AND STATUS = 'ENABLED' ORDER BY EVENT_NAME")) {
          out.add(schema + "." + row.get("EVENT_NAME"));
        }
      }
    } catch (SQLException e) {
      if (e.getErrorCode() != MySqlErrors.ER_EVENTS_DB_ERROR) throw e;
    }
    return out;
  }

  /** Views can depend on views: create in passes until no more progress. */
  private void createViews(Connection src, Connection dst, SchemaInput r, SchemaResult result) throws SQLException {
    List<String[]> pending = new ArrayList<>();
    for (String schema : r.schemas) {
      for (Map<String, String> row : Jdbc.rows(src, "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = "
          + Sql.literal(schema) + " ORDER BY TABLE_NAME")) {
        String ddl = Jdbc.firstRow(src, "SHOW CREATE VIEW " + Sql.table(schema, row.get("TABLE_NAME"))).get("Create View");
        ddl = SchemaRewrites.definer(ddl, policy(r), "view " + schema + "." + row.get("TABLE_NAME"), result.notes);
        pending.add(new String[] {schema, row.get("TABLE_NAME"), ddl.replaceFirst("^CREATE ", "CREATE OR REPLACE ")});
      }
    }
    SQLException last = null;
    while (!pending.isEmpty()) {
      List<String[]> next = new ArrayList<>();
      for (String[] v : pending) {
        try (Statement s = dst.createStatement()) {
          s.execute("USE " + Sql.id(v[0]));
          s.execute(v[2]);
        } catch (SQLException e) {
          last = e;
          next.add(v);
        }
      }
      if (next.size() == pending.size()) throw last;
      pending = next;
    }
  }

  private static String policy(SchemaInput r) {
    return r.schemaOptions == null || r.schemaOptions.definer == null ? "strip" : r.schemaOptions.definer;
  }

  private static Set<String> targetEngines(Connection dst) throws SQLException {
    Set<String> out = new HashSet<>();
    for (Map<String, String> row : Jdbc.rows(dst, "SELECT ENGINE FROM information_schema.ENGINES"
        + " WHERE SUPPORT IN ('YES', 'DEFAULT')")) {
      out.add(row.get("ENGINE").toUpperCase(Locale.ROOT));
    }
    return out;
  }

  /** Runs one object's CREATE in its schema under the sql_mode it was created with. */
  private static void createIn(Connection dst, String schema, String sqlMode, String dropSql, String ddl) throws SQLException {
    try (Statement s = dst.createStatement()) {
      s.execute("USE " + Sql.id(schema));
      s.execute("SET SESSION sql_mode = " + Sql.literal(sqlMode == null ? "" : sqlMode));
      s.execute(dropSql);
      s.execute(ddl);
    }
  }

  /** Stored procedures and functions; created before the load (they do not fire on their own). */
  private void createRoutines(Connection src, Connection dst, SchemaInput r, String schema, SchemaResult result)
      throws SQLException {
    for (Map<String, String> row : Jdbc.rows(src, "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES"
        + " WHERE ROUTINE_SCHEMA = " + Sql.literal(schema) + " AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')"
        + " ORDER BY ROUTINE_TYPE, ROUTINE_NAME")) {
      String type = row.get("ROUTINE_TYPE");
      String name = Sql.table(schema, row.get("ROUTINE_NAME"));
      String label = type.toLowerCase(Locale.ROOT) + " " + schema + "." + row.get("ROUTINE_NAME");
      Map<String, String> show = Jdbc.firstRow(src, "SHOW CREATE " + type + " " + name);
      String ddl = show.get("PROCEDURE".equals(type) ? "Create Procedure" : "Create Function");
      if (ddl == null) {
        throw ApplicationFailure.newNonRetryableFailure(label + ": SHOW CREATE " + type + " returned no body: the source"
            + " account needs SELECT on mysql.proc (5.7) or SHOW_ROUTINE / global SELECT (8.0) to read routines", "Incompatible");
      }
      ddl = SchemaRewrites.definer(ddl, policy(r), label, result.notes);
      createIn(dst, schema, show.get("sql_mode"), "DROP " + type + " IF EXISTS " + name, ddl);
    }
  }

  /** Events are created DISABLED: on the target they would run twice (directly and through replication). */
  private void createEvents(Connection src, Connection dst, SchemaInput r, String schema, SchemaResult result)
      throws SQLException {
    List<Map<String, String>> events;
    try {
      events = Jdbc.rows(src, "SELECT EVENT_NAME, STATUS FROM information_schema.EVENTS"
          + " WHERE EVENT_SCHEMA = " + Sql.literal(schema) + " ORDER BY EVENT_NAME");
    } catch (SQLException e) {
      if (e.getErrorCode() != MySqlErrors.ER_EVENTS_DB_ERROR) throw e;
      // event_scheduler=DISABLED on the server read from: it will not even list its events.
      result.notes.add("events of " + schema + " not copied: the server read from has event_scheduler=DISABLED"
          + " (ERROR 1577); start it with event_scheduler=OFF to copy them, or create them on the target by hand");
      return;
    }
    for (Map<String, String> row : events) {
      String name = Sql.table(schema, row.get("EVENT_NAME"));
      String label = "event " + schema + "." + row.get("EVENT_NAME");
      Map<String, String> show = Jdbc.firstRow(src, "SHOW CREATE EVENT " + name);
      String ddl = SchemaRewrites.definer(show.get("Create Event"), policy(r), label, result.notes);
      // Disabled in the CREATE itself: ALTER EVENT would make the migration account its definer.
      createIn(dst, schema, show.get("sql_mode"), "DROP EVENT IF EXISTS " + name, SchemaRewrites.disabledEvent(ddl));
      if ("ENABLED".equalsIgnoreCase(row.get("STATUS"))) {
        result.notes.add(label + ": created DISABLED on the target (it runs on the source and its writes replicate);"
            + " the cutover enables it there and disables it on the source");
      }
    }
  }

  @Override
  public SchemaResult createPostLoadObjects(SchemaInput r) {
    SchemaResult result = new SchemaResult();
    try (Connection src = connector.open("source", r.readFrom);
        Connection dst = connector.open("target", r.target)) {
      prepareDdlSession(dst, result);
      result.tables = tables(src, r);
      if (r.deferSecondaryIndexes) {
        for (TableRef t : result.tables) addDeferredIndexes(src, dst, t, result);
      }
      Set<String> selected = new HashSet<>();
      result.tables.forEach(t -> selected.add(t.qualified()));
      SchemaOwnership.Owner owner = SchemaOwnership.Owner.of(r.migrationId);
      for (String schema : r.schemas) {
        List<String> triggers = new ArrayList<>();
        for (Map<String, String> row : Jdbc.rows(src, "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS"
            + " WHERE TRIGGER_SCHEMA = " + Sql.literal(schema))) {
          if (selected.contains(schema + "." + row.get("EVENT_OBJECT_TABLE"))) triggers.add("TRIGGER " + row.get("TRIGGER_NAME"));
        }
        SchemaOwnership.recordObjects(dst, schema, owner, triggers);
        for (Map<String, String> row : Jdbc.rows(src, "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS"
            + " WHERE TRIGGER_SCHEMA = " + Sql.literal(schema) + " ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING,"
            + " EVENT_MANIPULATION, ACTION_ORDER")) {
          if (!selected.contains(schema + "." + row.get("EVENT_OBJECT_TABLE"))) continue;
          String name = Sql.table(schema, row.get("TRIGGER_NAME"));
          String label = "trigger " + schema + "." + row.get("TRIGGER_NAME");
          Map<String, String> show = Jdbc.firstRow(src, "SHOW CREATE TRIGGER " + name);
          String ddl = SchemaRewrites.definer(show.get("SQL Original Statement"), policy(r), label, result.notes);
          createIn(dst, schema, show.get("sql_mode"), "DROP TRIGGER IF EXISTS " + name, ddl);
        }
      }
      return result;
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  @Override
  public SchemaResult addDeferredIndexes(SchemaInput r, List<TableRef> tables) {
    dev.migrator.model.Endpoint readFrom = r.readFrom;
    SchemaResult result = new SchemaResult();
    result.tables = tables;
    try (Connection src = connector.open("frozen copy", readFrom); Connection dst = connector.open("target", r.target)) {
      prepareDdlSession(dst, result);
      for (TableRef t : tables) {
        addDeferredIndexes(src, dst, t, result);
        Activity.getExecutionContext().heartbeat(t.qualified());
      }
      return result;
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  /** One ALTER TABLE per table with every deferred index the target does not have yet (idempotent). */
  private void addDeferredIndexes(Connection src, Connection dst, TableRef t, SchemaResult result) throws SQLException {
    DeferredIndexes missing = DeferredIndexes.missing(src, dst, t);
    if (missing == null) return;
    try (Keepalive k = Keepalive.during("adding indexes to " + t.qualified())) { // hours on a big table
      missing.add(dst);
    }
    result.notes.add("table " + t.qualified() + ": " + missing.count() + " deferred secondary index(es) added after the load");
  }

  @Override
  public List<String> dropSchemas(SchemaInput r, List<String> schemas) {
    List<String> notes = new ArrayList<>();
    SchemaOwnership.Owner owner = SchemaOwnership.Owner.of(r.migrationId);
    try (Connection dst = connector.open("target", r.target)) {
      Session.unlogged(dst); // a binlogged drop is fine
      try (Keepalive k = Keepalive.during("dropping " + schemas)) { // deleting files of a big schema takes a while
        for (String s : schemas) {
          SchemaOwnership.Claim claim = SchemaOwnership.read(dst, s);
          boolean exists = SchemaOwnership.schemaExists(dst, s);
          if (claim == null || !claim.ownedBy(owner)) {
            if (exists) {
              notes.add("left schema " + s + " on the target alone: it is not this migration's ("
                  + (claim == null ? "no ownership record: it was there before, or another tool made it"
                      : "it belongs to " + claim.describeOwner()) + ")");
            }
            continue;
          }
          if (exists) {
            java.util.Set<String> foreign = SchemaOwnership.foreignObjects(dst, claim);
            if (!foreign.isEmpty()) {
              notes.add("kept schema " + s + " on the target: it holds " + foreign.size() + " object(s) this migration"
                  + " did not create (" + String.join(", ", foreign.stream().limit(10).toList())
                  + (foreign.size() > 10 ? ", ..." : "") + "); drop it by hand once they are not needed");
              SchemaOwnership.release(dst, s, owner);
              continue;
            }
            Jdbc.exec(dst, "DROP DATABASE " + Sql.id(s));
          }
          SchemaOwnership.release(dst, s, owner);
        }
        SchemaOwnership.dropTableIfEmpty(dst);
      }
      return notes;
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  @Override
  public void releaseSchemas(SchemaInput r, List<String> schemas) {
    SchemaOwnership.Owner owner = SchemaOwnership.Owner.of(r.migrationId);
    try (Connection dst = connector.open("target", r.target)) {
      for (String s : schemas) SchemaOwnership.release(dst, s, owner);
      SchemaOwnership.dropTableIfEmpty(dst);
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }
}
