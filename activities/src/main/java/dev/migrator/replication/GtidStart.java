package dev.migrator.replication;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.mysql.Session;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The GTID set (MySQL) or GTID position (MariaDB) that matches a frozen copy's coordinates. */
public final class GtidStart {
  private GtidStart() {}

  /**
   * MySQL: the set captured with the coordinates (the freeze records it). MariaDB: the source's
   * {@code BINLOG_GTID_POS(file, pos)}, the GTID position of those coordinates.
   */
  public static String of(Session source, BinlogCoordinates from) throws SQLException {
    if (from == null) return null;
    if (from.gtidSet != null && !from.gtidSet.isBlank()) return from.gtidSet;
    if (!source.dialect().isMariaDb() || from.file == null) return null;
    try (PreparedStatement ps = source.connection().prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
      ps.setString(1, from.file);
      ps.setLong(2, from.position);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
