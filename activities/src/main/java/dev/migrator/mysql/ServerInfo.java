package dev.migrator.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What a server is and how it names things (MariaDB vs MySQL, 8.0 renames). */
public record ServerInfo(String version, boolean mariadb, int major, int minor, int patch) {

  public static ServerInfo of(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
      rs.next();
      String v = rs.getString(1);
      boolean maria = v.toLowerCase().contains("mariadb");
      String[] parts = v.split("[^0-9]+");
      int ma = parts.length > 0 ? parse(parts[0]) : 0;
      int mi = parts.length > 1 ? parse(parts[1]) : 0;
      int pa = parts.length > 2 ? parse(parts[2]) : 0;
      return new ServerInfo(v, maria, ma, mi, pa);
    }
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private boolean atLeast(int a, int b, int c) {
    return major > a || (major == a && (minor > b || (minor == b && patch >= c)));
  }

  /** MySQL 8.0.23+ spells it CHANGE REPLICATION SOURCE TO / SHOW REPLICA STATUS. */
  public boolean mysqlReplicaSyntax() {
    return !mariadb && atLeast(8, 0, 23);
  }

  /** MySQL 8.4 removed SHOW MASTER STATUS in favour of SHOW BINARY LOG STATUS. */
  public String binlogStatusStatement() {
    return !mariadb && atLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
  }

  public String replicaStatusStatement() {
    return mysqlReplicaSyntax() ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
  }

  public String startReplica() {
    return mysqlReplicaSyntax() ? "START REPLICA" : "START SLAVE";
  }

  public String stopReplica() {
    return mysqlReplicaSyntax() ? "STOP REPLICA" : "STOP SLAVE";
  }

  public String resetReplicaAll() {
    return mysqlReplicaSyntax() ? "RESET REPLICA ALL" : "RESET SLAVE ALL";
  }
}
