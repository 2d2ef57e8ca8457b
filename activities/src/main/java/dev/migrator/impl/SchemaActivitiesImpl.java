package dev.migrator.impl;

import dev.migrator.activities.SchemaActivities;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.SchemaResult;
import dev.migrator.model.TableRef;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.Sql;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Step 4. Creates the request's schemas and their tables and views on the target from SHOW CREATE
 * statements. Re-running it after a crash is harmless (IF NOT EXISTS / OR REPLACE); the workflow
 * only drops schemas that preflight saw absent.
 */
public class SchemaActivitiesImpl implements SchemaActivities {
  private static final Pattern DEFINER = Pattern.compile("DEFINER=`[^`]*`@`[^`]*`\\s*");
  private final Connector connector;

  public SchemaActivitiesImpl(Connector connector) {
    this.connector = connector;
  }

  @Override
  public List<TableRef> listTables(MigrationRequest r, FrozenCopy frozen) {
    try (Connection src = connector.open("source", frozen != null && frozen.endpoint != null ? frozen.endpoint : r.source)) {
      return tables(src, r);
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  static List<TableRef> tables(Connection c, MigrationRequest r) throws SQLException {
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

  @Override
  public SchemaResult createSchema(MigrationRequest r, FrozenCopy frozen) {
    SchemaResult result = new SchemaResult();
    try (Connection src = connector.open("source", frozen != null && frozen.endpoint != null ? frozen.endpoint : r.source);
        Connection dst = connector.open("target", r.target)) {
      Jdbc.exec(dst, "SET SESSION foreign_key_checks = 0");
      try {
        Jdbc.exec(dst, "SET SESSION sql_log_bin = 0");
      } catch (SQLException e) {
        result.notes.add("target: DDL is binary-logged (the account may not set sql_log_bin)");
      }
      result.tables = tables(src, r);
      for (String schema : r.schemas) {
        Map<String, String> db = Jdbc.firstRow(src, "SELECT DEFAULT_CHARACTER_SET_NAME cs, DEFAULT_COLLATION_NAME co"
            + " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + Sql.literal(schema));
        if (db == null) {
          throw ApplicationFailure.newNonRetryableFailure("schema '" + schema + "' does not exist on the source (ERROR 1049)",
              "NotFound");
        }
        Jdbc.exec(dst, "CREATE DATABASE IF NOT EXISTS " + Sql.id(schema) + " CHARACTER SET " + db.get("cs")
            + " COLLATE " + db.get("co"));
        result.createdSchemas.add(schema);
      }
      for (TableRef t : result.tables) {
        String ddl = Jdbc.firstRow(src, "SHOW CREATE TABLE " + Sql.table(t.schema, t.table)).get("Create Table");
        ddl = ddl.replaceFirst("^CREATE TABLE ", "CREATE TABLE IF NOT EXISTS " + Sql.id(t.schema) + ".");
        Jdbc.exec(dst, ddl);
      }
      createViews(src, dst, r, result);
      return result;
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }

  /** Views can depend on views: create in passes until no more progress. */
  private void createViews(Connection src, Connection dst, MigrationRequest r, SchemaResult result) throws SQLException {
    List<String[]> pending = new ArrayList<>();
    for (String schema : r.schemas) {
      for (Map<String, String> row : Jdbc.rows(src, "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = "
          + Sql.literal(schema) + " ORDER BY TABLE_NAME")) {
        String ddl = Jdbc.firstRow(src, "SHOW CREATE VIEW " + Sql.table(schema, row.get("TABLE_NAME"))).get("Create View");
        if (DEFINER.matcher(ddl).find()) {
          ddl = DEFINER.matcher(ddl).replaceFirst("");
          result.notes.add("view " + schema + "." + row.get("TABLE_NAME") + ": DEFINER clause removed (the migration"
              + " account becomes the definer; ERROR 1227 otherwise on targets without SUPER)");
        }
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

  @Override
  public void dropSchemas(MigrationRequest r, List<String> schemas) {
    try (Connection dst = connector.open("target", r.target)) {
      try {
        Jdbc.exec(dst, "SET SESSION sql_log_bin = 0");
      } catch (SQLException ignored) {
        // binlogged drop is fine
      }
      for (String s : schemas) Jdbc.exec(dst, "DROP DATABASE IF EXISTS " + Sql.id(s));
    } catch (SQLException e) {
      throw MySqlErrors.failure("target", r.target, e);
    }
  }
}
