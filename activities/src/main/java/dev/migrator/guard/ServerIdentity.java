package dev.migrator.guard;

import dev.migrator.mysql.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;

/**
 * Who a server is, by its own account rather than by the name a request gives it: MySQL's
 * {@code server_uuid}, else (MariaDB has none) host name, data directory and port together. Two
 * endpoints with the same identity are one server, whatever their host strings ({@code localhost}
 * vs {@code 127.0.0.1}, a DNS alias, a load balancer).
 */
public record ServerIdentity(String serverUuid, String hostname, String datadir, long port, long serverId) {

  public static ServerIdentity of(Connection c) throws SQLException {
    Map<String, String> row = Jdbc.firstRow(c, "SELECT @@hostname AS h, @@datadir AS d, @@port AS p, @@server_id AS s");
    String uuid = Jdbc.variable(c, "server_uuid");
    return new ServerIdentity(uuid == null || uuid.isBlank() ? null : uuid, row.get("h"), row.get("d"),
        parse(row.get("p")), parse(row.get("s")));
  }

  private static long parse(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Whether both describe one server. */
  public boolean sameServerAs(ServerIdentity o) {
    if (serverUuid != null && o.serverUuid != null) return serverUuid.equals(o.serverUuid);
    return Objects.equals(hostname, o.hostname) && Objects.equals(datadir, o.datadir) && port == o.port
        && serverId == o.serverId;
  }

  /** "server_uuid 3e11fa47-..." or "host db1, datadir /var/lib/mysql/, port 3306". */
  public String describe() {
    return serverUuid != null ? "server_uuid " + serverUuid
        : "host " + hostname + ", datadir " + datadir + ", port " + port + ", server_id " + serverId;
  }
}
