package dev.migrator.replication;

import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.Session;
import dev.migrator.mysql.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The optional heartbeat row (replication.heartbeat): the worker's clock written on the source by
 * each poll, replicated, read on the target for an end-to-end lag; dropped with replication.
 */
public final class Heartbeat {
  private final String schema;

  public Heartbeat(String schema) {
    this.schema = schema;
  }

  String table() {
    return Sql.table(schema, "heartbeat");
  }

  /** Writes the worker's clock on the source; creates the table on first use (replicated). */
  public void write(Session src, long nowMillis) throws SQLException {
    try (PreparedStatement ps = src.connection().prepareStatement(
        "REPLACE INTO " + table() + " (id, written_at_millis) VALUES (1, ?)")) {
      ps.setLong(1, nowMillis);
      ps.executeUpdate();
    } catch (SQLException e) {
      if (!MySqlErrors.isMissingTable(e)) throw e;
      src.exec("CREATE DATABASE IF NOT EXISTS " + Sql.id(schema),
          "CREATE TABLE IF NOT EXISTS " + table() + " (id INT PRIMARY KEY, written_at_millis BIGINT NOT NULL)"
              + " ENGINE=InnoDB");
      write(src, nowMillis);
    }
  }

  /**
   * End-to-end lag: how long the oldest heartbeat written in this call and not yet applied on
   * the target has been waiting (0 when the newest one arrived). Without such history (the
   * first poll of a call) the age of the applied heartbeat, an upper bound.
   */
  public static Long lag(Long applied, List<Long> written, long now) {
    if (applied == null) return null;
    for (long w : written) {
      if (w > applied) return Math.max(0, now - w);
    }
    return written.isEmpty() ? Math.max(0, now - applied) : 0L;
  }

  /** The worker time of the newest heartbeat the target has applied, or null. */
  public Long applied(Session dst) throws SQLException {
    try {
      String v = dst.scalar("SELECT written_at_millis FROM " + table() + " WHERE id = 1");
      return v == null ? null : Long.valueOf(v);
    } catch (SQLException e) {
      if (MySqlErrors.isMissingTable(e)) return null; // not replicated yet
      throw e;
    }
  }

  /** Drops the heartbeat table, and its schema if nothing else is in it (unlogged where allowed). */
  public void drop(Session c) throws SQLException {
    c.unlogged(); // RDS/Aurora: the drop is binlogged, harmless once replication is reset
    c.exec("DROP TABLE IF EXISTS " + table());
    try (PreparedStatement ps = c.connection().prepareStatement(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(1) == 0) Jdbc.exec(c.connection(), "DROP DATABASE IF EXISTS " + Sql.id(schema));
      }
    }
  }
}
