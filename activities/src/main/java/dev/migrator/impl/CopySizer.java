package dev.migrator.impl;

import dev.migrator.model.CopySizing;
import dev.migrator.model.Endpoint;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.ServerInfo;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The copy's default parallelism (handbook: "one thread per server CPU core for dumps and one
 * thread per two CPU cores for imports"). CPUs per server, first that answers: Endpoint.cpus;
 * MariaDB's thread_pool_size (its default is the server's CPU count, unless someone set it); the
 * worker's own CPUs for a server on loopback; else {@link CopySizing#DEFAULT_CPUS}, with a note
 * that says how to give the number.
 */
final class CopySizer {
  private final Connector connector;

  CopySizer(Connector connector) {
    this.connector = connector;
  }

  CopySizing size(Endpoint readFrom, Endpoint target) {
    String[] how = new String[2];
    Integer src = cpus("frozen copy", readFrom, how, 0);
    Integer dst = cpus("target", target, how, 1);
    CopySizing s = CopySizing.ruleOfThumb(src, dst);
    s.notes.add("source CPUs: " + how[0]);
    s.notes.add("target CPUs: " + how[1]);
    s.notes.add("readers = source CPUs, writers = target CPUs / 2, at once = min(readers, writers);"
        + " set copy.parallelism to override");
    return s;
  }

  private Integer cpus(String role, Endpoint e, String[] how, int i) {
    if (e.cpus != null && e.cpus > 0) {
      how[i] = e.cpus + " (given)";
      return e.cpus;
    }
    try (Connection c = connector.open(role, e)) {
      if (ServerInfo.of(c).mariadb()) {
        String v = Jdbc.scalar(c, "SELECT @@GLOBAL.thread_pool_size");
        if (v != null && Integer.parseInt(v) > 0) {
          how[i] = v + " (MariaDB thread_pool_size)";
          return Integer.parseInt(v);
        }
      }
    } catch (SQLException | RuntimeException ex) {
      // Not fatal: the copy itself will report a server it cannot reach.
    }
    if (loopback(e.host)) {
      int n = Runtime.getRuntime().availableProcessors();
      how[i] = n + " (on the worker's host)";
      return n;
    }
    how[i] = "unknown, " + CopySizing.DEFAULT_CPUS + " assumed (set " + (i == 0 ? "source" : "target") + ".cpus)";
    return null;
  }

  static boolean loopback(String host) {
    if (host == null) return false;
    if (List.of("localhost", "127.0.0.1", "::1").contains(host)) return true;
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (Exception e) {
      return false;
    }
  }
}
