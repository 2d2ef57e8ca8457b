package dev.migrator.adapters;

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
    return size(readFrom, target, null);
  }

  /** {@code frozenInstanceClass}: the instance class of an aurora-snapshot frozen copy (we created it). */
  CopySizing size(Endpoint readFrom, Endpoint target, String frozenInstanceClass) {
    String[] how = new String[2];
    Integer byClass = vcpus(frozenInstanceClass);
    Integer src;
    if (readFrom.cpus == null && byClass != null) {
      src = byClass;
      how[0] = byClass + " (instance class " + frozenInstanceClass + ")";
    } else {
      src = cpus("frozen copy", readFrom, how, 0);
    }
    Integer dst = cpus("target", target, how, 1);
    CopySizing s = CopySizing.ruleOfThumb(src, dst);
    s.notes.add("source CPUs: " + how[0]);
    s.notes.add("target CPUs: " + how[1]);
    s.notes.add("readers = source CPUs, writers = target CPUs / 2 (at least 2 from 2 CPUs), at once = min(readers, writers)"
        + " but at least two per CPU of the smaller side, up to " + CopySizing.MIN_DIRECT_SLOTS_CAP
        + " (measured faster on 2 cores); set copy.parallelism to override");
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
    how[i] = "unknown, " + CopySizing.DEFAULT_CPUS + " assumed (set " + (i == 0 ? "source" : "target") + ".cpus"
        + (e.isRdsFamily() ? " to the instance class's vCPUs" : "") + ")";
    return null;
  }

  /**
   * vCPUs of an RDS/Aurora instance class by its size: large 2, xlarge 4, Nxlarge 4N; micro, small
   * and medium 2 (the burstable classes). Null when the name does not say.
   */
  static Integer vcpus(String instanceClass) {
    if (instanceClass == null) return null;
    String size = instanceClass.substring(instanceClass.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    switch (size) {
      case "micro": case "small": case "medium": case "large":
        return 2;
      case "xlarge":
        return 4;
      default:
        if (size.endsWith("xlarge")) {
          try {
            return 4 * Integer.parseInt(size.substring(0, size.length() - "xlarge".length()));
          } catch (NumberFormatException e) {
            return null;
          }
        }
        return null;
    }
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
