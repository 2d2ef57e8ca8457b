package dev.migrator.worker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.model.ReadOnlyHook;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.AuroraLikeMySql;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The pairs of servers an end-to-end test runs on: MariaDB 10.11 to MariaDB 10.11, and MySQL 9.7
 * to the Aurora-like MySQL 9.7 (admin user without SUPER, mysql.rds_* procedures,
 * require_secure_transport, mysql-bin-changelog), with GTIDs on both sides or off on both.
 */
public enum Engines {
  MARIADB("MariaDB 10.11 -> MariaDB 10.11"),
  MYSQL_GTID("MySQL 9.7 -> Aurora-like MySQL 9.7, GTID on"),
  MYSQL_NO_GTID("MySQL 9.7 -> Aurora-like MySQL 9.7, GTID off");

  private final String label;

  Engines(String label) {
    this.label = label;
  }

  public boolean mysql() {
    return this != MARIADB;
  }

  @Override
  public String toString() {
    return label;
  }

  /** Skips (or, with MIGRATOR_REQUIRE_MYSQL, fails) when no MySQL installation is there. */
  public void assumeInstalled() {
    if (mysql()) assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
  }

  /**
   * A source and a target started side by side, named {@code name-src} and {@code name-dst}. The
   * Aurora-like target has in its configuration what its DB cluster parameter group would set: the
   * replication filter for {@code schemas} (RDS/Aurora refuse CHANGE REPLICATION FILTER) and
   * log_bin_trust_function_creators=1 (its admin user has no SUPER; preflight blocks without it).
   */
  public Pair start(String name, String... schemas) {
    assumeInstalled();
    Supplier<LocalServer> src;
    Supplier<LocalServer> dst;
    if (this == MARIADB) {
      src = () -> LocalMariaDb.start(name + "-src");
      dst = () -> LocalMariaDb.start(name + "-dst");
    } else {
      boolean gtid = this == MYSQL_GTID;
      src = () -> LocalMySql.start(new LocalMySql.Options().name(name + "-src").gtid(gtid));
      dst = () -> {
        AuroraLikeMySql.Options o = new AuroraLikeMySql.Options().name(name + "-dst").gtid(gtid)
            .config("log_bin_trust_function_creators=1");
        for (String s : schemas) o.config("replicate-wild-do-table=" + s + ".%");
        return AuroraLikeMySql.start(o);
      };
    }
    CompletableFuture<LocalServer> a = CompletableFuture.supplyAsync(src);
    CompletableFuture<LocalServer> b = CompletableFuture.supplyAsync(dst);
    LocalServer source = null;
    try {
      source = a.join();
      return new Pair(this, source, b.join());
    } catch (RuntimeException e) {
      if (source != null) source.close();
      b.thenAccept(LocalServer::close);
      throw e;
    }
  }

  /**
   * The target's read-only switch as on RDS/Aurora, where read_only is a parameter group setting
   * the admin user cannot SET (ERROR 1227): a command hook ({@code readOnlyHook} type command) that
   * sets it as the harness's root, standing in for the parameter group change. Needed by a
   * rollback after the cutover, which makes the target read-only again. Null on other targets.
   */
  public static ReadOnlyHook readOnlyHook(LocalServer target) {
    if (!(target instanceof AuroraLikeMySql)) return null;
    try {
      Path script = target.dir().resolve("read-only-hook.sh");
      StringBuilder cmd = new StringBuilder();
      for (String a : target.clientCommand()) cmd.append('\'').append(a.replace("'", "'\\''")).append("' ");
      Files.writeString(script, "#!/bin/sh\nset -e\nMYSQL_PWD=\"$(cat '" + target.rootPasswordRef().substring(5)
          + "')\" " + cmd + "-e \"SET GLOBAL read_only = $MIGRATOR_READ_ONLY\"\n");
      ReadOnlyHook h = new ReadOnlyHook();
      h.type = "command";
      h.command = "sh '" + script + "'";
      return h;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * With GTIDs on, migrations replicate by GTID auto-position (gtid_purged from the frozen copy
   * first); with them off (and on MariaDB), by the frozen copy's file and position.
   */
  public boolean autoPosition() {
    return this == MYSQL_GTID;
  }

  /** A source and a target; closing stops both and deletes their files. */
  public record Pair(Engines engines, LocalServer source, LocalServer target) implements AutoCloseable {
    @Override
    public void close() {
      try {
        source.close();
      } finally {
        target.close();
      }
    }
  }

  /**
   * A derived table {@code (...) seq} with one column {@code seq} holding 1..n, on both engines
   * (MariaDB's seq_1_to_N tables do not exist on MySQL; MySQL's recursive CTEs stop at 1000 rows).
   * n is at most 100000.
   */
  public static String seq(int n) {
    if (n > 100_000) throw new IllegalArgumentException("seq: at most 100000 rows");
    String d = "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL"
        + " SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
    return "(SELECT 1 + d0.d + 10 * d1.d + 100 * d2.d + 1000 * d3.d + 10000 * d4.d AS seq FROM " + d + " d0, " + d
        + " d1, " + d + " d2, " + d + " d3, " + d + " d4 WHERE 1 + d0.d + 10 * d1.d + 100 * d2.d + 1000 * d3.d"
        + " + 10000 * d4.d <= " + n + ") seq";
  }
}
