package dev.migrator.replication;

import dev.migrator.dialect.Dialect;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.Session;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;

/** A server's current binlog coordinates (SHOW BINARY LOG STATUS / SHOW MASTER STATUS, per dialect). */
public final class BinlogPosition {
  private BinlogPosition() {}

  public static BinlogCoordinates of(Connection c, Dialect d) throws SQLException {
    BinlogCoordinates at = d.coordinates(Jdbc.firstRow(c, d.binlogStatus()));
    if (at == null) {
      throw ApplicationFailure.newNonRetryableFailure("binary logging is off on " + d.describe() + " (ERROR 1381)",
          "Incompatible");
    }
    return at;
  }

  public static BinlogCoordinates of(Session s) throws SQLException {
    return of(s.connection(), s.dialect());
  }
}
