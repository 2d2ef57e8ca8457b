package dev.migrator.replication;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.ReplicationOptions;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.ServerInfo;
import dev.migrator.mysql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * MySQL and MariaDB with SUPER / REPLICATION_SLAVE_ADMIN: CHANGE MASTER TO (MariaDB, MySQL before
 * 8.0.23) or CHANGE REPLICATION SOURCE TO (MySQL 8.0.23+), file/position or GTID auto-position,
 * SSL, connect retry; the schema filter with SET GLOBAL replicate_wild_do_table (MariaDB) or
 * CHANGE REPLICATION FILTER (MySQL).
 */
public class SelfManagedReplicationConfigurator implements ReplicationConfigurator {

  @Override
  public void configure(Connection dst, SourceLink link, BinlogCoordinates from, List<String> schemas)
      throws SQLException {
    ServerInfo info = ServerInfo.of(dst);
    reset(dst);
    if (info.mariadb()) {
      String filter = schemas.stream().map(s -> s.replace("%", "\\%").replace("_", "\\_") + ".%")
          .collect(Collectors.joining(","));
      Jdbc.exec(dst, "SET GLOBAL replicate_wild_do_table = " + Sql.literal(filter));
    } else {
      Jdbc.exec(dst, "CHANGE REPLICATION FILTER REPLICATE_WILD_DO_TABLE = ("
          + schemas.stream().map(s -> Sql.literal(s + ".%")).collect(Collectors.joining(",")) + ")");
    }
    Statement st = changeSourceStatement(info, link.options(), from);
    try (PreparedStatement ps = dst.prepareStatement(st.sql())) {
      List<Object> params = new ArrayList<>(List.of(link.host(), link.port(), link.user(),
          link.password() == null ? "" : link.password()));
      params.addAll(st.extraParams());
      for (int i = 0; i < params.size(); i++) ps.setObject(i + 1, params.get(i));
      ps.execute();
    }
  }

  /** A CHANGE statement with 4 leading parameters (host, port, user, password) and then {@code extraParams}. */
  public record Statement(String sql, List<Object> extraParams) {}

  /** The CHANGE MASTER / CHANGE REPLICATION SOURCE statement for this server and these options. */
  public static Statement changeSourceStatement(ServerInfo info, ReplicationOptions o, BinlogCoordinates from) {
    boolean modern = info.mysqlReplicaSyntax();
    String p = modern ? "SOURCE_" : "MASTER_";
    StringBuilder sql = new StringBuilder(modern ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ");
    sql.append(p).append("HOST = ?, ").append(p).append("PORT = ?, ").append(p).append("USER = ?, ")
        .append(p).append("PASSWORD = ?");
    List<Object> extra = new ArrayList<>();
    if (o.gtidAutoPosition) {
      sql.append(info.mariadb() ? ", MASTER_USE_GTID = slave_pos" : ", " + p + "AUTO_POSITION = 1");
    } else {
      if (from == null) throw new IllegalArgumentException("no binlog coordinates to start from");
      sql.append(", ").append(p).append("LOG_FILE = ?, ").append(p).append("LOG_POS = ?");
      extra.add(from.file);
      extra.add(from.position);
      if (info.mariadb()) sql.append(", MASTER_USE_GTID = no");
      else sql.append(", ").append(p).append("AUTO_POSITION = 0");
    }
    sql.append(", ").append(p).append("CONNECT_RETRY = ").append(Math.max(1, o.connectRetrySeconds));
    boolean ssl = o.ssl || (o.sslCaFile != null && !o.sslCaFile.isBlank());
    if (ssl) {
      sql.append(", ").append(p).append("SSL = 1");
      if (o.sslCaFile != null && !o.sslCaFile.isBlank()) {
        sql.append(", ").append(p).append("SSL_CA = ?");
        extra.add(o.sslCaFile);
      }
    }
    return new Statement(sql.toString(), extra);
  }

  @Override
  public void start(Connection dst) throws SQLException {
    Jdbc.exec(dst, ServerInfo.of(dst).startReplica());
  }

  @Override
  public void stop(Connection dst) throws SQLException {
    Jdbc.exec(dst, ServerInfo.of(dst).stopReplica());
  }

  @Override
  public void reset(Connection dst) throws SQLException {
    ServerInfo info = ServerInfo.of(dst);
    Jdbc.exec(dst, info.stopReplica(), info.resetReplicaAll());
    if (info.mariadb()) {
      Jdbc.exec(dst, "SET GLOBAL replicate_wild_do_table = ''");
    } else {
      Jdbc.exec(dst, "CHANGE REPLICATION FILTER REPLICATE_WILD_DO_TABLE = ()");
    }
  }

  @Override
  public void skipOneEvent(Connection dst) throws SQLException {
    ServerInfo info = ServerInfo.of(dst);
    // MySQL 8.0.26+ renamed it sql_replica_skip_counter; the old name still works there.
    String counter = !info.mariadb() && info.mysqlReplicaSyntax() && Jdbc.variable(dst, "sql_replica_skip_counter") != null
        ? "sql_replica_skip_counter" : "sql_slave_skip_counter";
    Jdbc.exec(dst, info.stopReplica(), "SET GLOBAL " + counter + " = 1", info.startReplica());
  }

  @Override
  public BinlogCoordinates nextLog(Connection dst, String failedFile) throws SQLException {
    ServerInfo info = ServerInfo.of(dst);
    String next = ReplicationConfigurator.nextFile(failedFile);
    String p = info.mysqlReplicaSyntax() ? "SOURCE_" : "MASTER_";
    Jdbc.exec(dst, info.stopReplica());
    try (PreparedStatement ps = dst.prepareStatement((info.mysqlReplicaSyntax()
        ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ") + p + "LOG_FILE = ?, " + p + "LOG_POS = 4"
        + (info.mariadb() ? ", MASTER_USE_GTID = no" : ""))) {
      ps.setString(1, next);
      ps.execute();
    }
    Jdbc.exec(dst, info.startReplica());
    return new BinlogCoordinates(next, 4, null);
  }
}
