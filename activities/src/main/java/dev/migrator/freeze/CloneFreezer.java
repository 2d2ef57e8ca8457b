package dev.migrator.freeze;

import dev.migrator.activities.FreezeInput;
import dev.migrator.dialect.Dialect;
import dev.migrator.dialect.Dialects;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Endpoint;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.Sql;
import dev.migrator.servers.MySqlServer;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code clone}, the self-managed MySQL (8.0.17+) counterpart of physical-backup: a temporary
 * MySQL server on the worker host in {@code <work dir>/freeze-<migration id>} (a {@link TempServer},
 * found again by that name after a worker crash), filled by the clone plugin from the running
 * source over the network ({@code CLONE INSTANCE FROM}: the worker host need not be the source
 * host). The clone is a consistent physical snapshot; after its first start
 * {@code performance_schema.clone_status} gives the source's exact coordinates
 * (BINLOG_FILE/BINLOG_POSITION/GTID_EXECUTED) for that snapshot.
 *
 * <p>Needs: the clone plugin on the source (installed here when missing: {@code INSTALL PLUGIN
 * clone SONAME 'mysql_clone.so'}, noted; the source account needs BACKUP_ADMIN, and
 * SUPER/INSERT on mysql.plugin for the install), the same MySQL version on the worker host
 * ({@code MIGRATOR_MYSQL_ROOT}: a root with usr/sbin/mysqld, "/" for Debian's mysql-server;
 * default {@link MySqlServer#DEFAULT_ROOT}), and disk space for the source's data. The release
 * stops the temporary server and deletes its directory.
 */
public final class CloneFreezer extends TempServerFreezer {
  public CloneFreezer(Connector connector, FreezeConfig cfg) {
    super(connector, cfg);
  }

  @Override
  public String method() {
    return FreezeMethod.CLONE;
  }

  @Override
  public FrozenCopy freeze(FreezeInput r, String migrationId) {
    TempServer server = new TempServer(dirFor(migrationId));
    MySqlServer mysql = MySqlServer.find().orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
        "clone: no MySQL server program on the worker host: " + MySqlServer.missingMessage()
            + " (on a host with Debian's mysql-server: MIGRATOR_MYSQL_ROOT=/)", "InvalidRequest"));
    // A retry after the result of a finished freeze was lost: the same server, the same coordinates.
    if (server.process().isPresent() && server.answers(connectHost())) {
      Optional<BinlogCoordinates> c = cloneCoordinates(server);
      if (c.isPresent()) return result(server, c.get(), "reused the running temporary server from an earlier attempt");
    }
    server.destroy(); // anything half-made by an earlier attempt (a crashed worker's clone)
    boolean ok = false;
    try {
      Dialect source = checkSource(r);
      Files.createDirectories(server.dir());
      mysql.newDataDir(server.dataDir(), List.of());
      List<String> base = new ArrayList<>(mysql.baseConfig());
      base.add(MySqlServer.CLONE_PLUGIN);
      base.add("skip-replica-start");
      Files.createDirectories(server.dir().resolve("files"));
      base.add("secure-file-priv=" + server.dir().resolve("files")); // not the package default /var/lib/mysql-files
      // First start: an empty instance that receives the clone (writable, the donor allowed).
      List<String> receive = new ArrayList<>(base);
      receive.add("read_only=OFF");
      receive.add("clone_valid_donor_list=" + r.source.host + ":" + r.source.port);
      server.launch(mysql.program("usr/sbin/mysqld"), receive, cfg.bindAddress(), cfg.bufferPool(),
          Duration.ofMinutes(5));
      cloneInto(server, r, source);
      // Without a supervisor the recipient stops after the clone; start it again on the cloned data.
      awaitStopped(server);
      server.launch(mysql.program("usr/sbin/mysqld"), base, cfg.bindAddress(), cfg.bufferPool(),
          Duration.ofMinutes(30));
      BinlogCoordinates c = cloneCoordinates(server).orElseThrow(() -> new IllegalStateException(
          "performance_schema.clone_status shows no completed clone with binlog coordinates"));
      ok = true;
      return result(server, c, null);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("clone: cannot use the work dir " + server.dir() + ": " + e, "FreezeFailed");
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      throw ApplicationFailure.newFailure("clone: " + e.getMessage(), "FreezeFailed");
    } finally {
      if (!ok) {
        try {
          server.destroy();
        } catch (RuntimeException ignored) {
          // the release tries again
        }
      }
    }
  }

  /** Self-managed MySQL 8.0.17+ with its binary log on; the clone plugin there (installed when missing). */
  private Dialect checkSource(FreezeInput r) {
    try (Connection c = connector.open("source", r.source)) {
      Dialect d = Dialects.detect(c, r.source);
      if (!d.hasClone()) {
        throw ApplicationFailure.newNonRetryableFailure("clone: the source " + r.source.address() + " is " + d.describe()
            + "; the clone method needs self-managed MySQL 8.0.17 or later (MariaDB: physical-backup with mariabackup;"
            + " RDS/Aurora: aurora-snapshot)", "InvalidRequest");
      }
      String logBin = Jdbc.scalar(c, "SELECT @@GLOBAL.log_bin");
      if (!"1".equals(logBin) && !"ON".equalsIgnoreCase(logBin)) {
        throw ApplicationFailure.newNonRetryableFailure("clone: the binary log is off on the source " + r.source.address()
            + ": a clone has no coordinates to replicate from; enable log_bin (binlog_format=ROW) and restart it",
            "InvalidRequest");
      }
      if (Jdbc.scalar(c, "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'clone'") == null) {
        Jdbc.exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
      }
      return d;
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
  }

  /** CLONE INSTANCE FROM the source into the temporary server (which shuts down afterwards: ERROR 3707). */
  private void cloneInto(TempServer server, FreezeInput r, Dialect source) {
    String pw = connector.credentials().resolve(r.source.password, "source.password");
    try (Connection c = TempServer.connect(connectHost(), server.port(), readPassword(server))) {
      Heartbeats.beat("cloning " + r.source.address());
      Jdbc.exec(c, "CLONE INSTANCE FROM " + Sql.literal(r.source.user) + "@" + Sql.literal(r.source.host) + ":"
          + r.source.port + " IDENTIFIED BY " + Sql.literal(pw == null ? "" : pw));
    } catch (SQLException e) {
      if (e.getErrorCode() == ER_CLONE_RESTART_WITHOUT_SUPERVISOR || e.getErrorCode() == MySqlErrors.CR_SERVER_LOST
          || "08S01".equals(e.getSQLState())) {
        return; // done: the recipient goes down to be restarted on the cloned data
      }
      throw ApplicationFailure.newNonRetryableFailure("clone: CLONE INSTANCE FROM " + r.source.address() + " failed: "
          + e.getMessage() + " (ERROR " + e.getErrorCode() + "); the source account needs BACKUP_ADMIN, both sides the"
          + " same MySQL version (" + source.describe() + ") and the clone plugin", "FreezeFailed");
    }
  }

  /** "Restart server failed (mysqld is not managed by supervisor process)." */
  static final int ER_CLONE_RESTART_WITHOUT_SUPERVISOR = 3707;

  private static String readPassword(TempServer server) {
    try {
      return Files.readString(server.passwordFile()).trim();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void awaitStopped(TempServer server) {
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
    while (server.process().isPresent()) {
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("the recipient did not stop after the clone");
      Heartbeats.beat("waiting for the recipient to stop after the clone");
      TempServer.sleep(200);
    }
  }

  /** The completed clone's coordinates from performance_schema.clone_status, if any. */
  private Optional<BinlogCoordinates> cloneCoordinates(TempServer server) {
    try (Connection c = TempServer.connect(connectHost(), server.port(), readPassword(server))) {
      Map<String, String> row = Jdbc.firstRow(c,
          "SELECT STATE, BINLOG_FILE, BINLOG_POSITION, GTID_EXECUTED FROM performance_schema.clone_status");
      if (row == null || !"Completed".equalsIgnoreCase(row.get("STATE")) || row.get("BINLOG_FILE") == null
          || row.get("BINLOG_FILE").isEmpty()) {
        return Optional.empty();
      }
      String gtid = row.get("GTID_EXECUTED");
      gtid = gtid == null ? null : gtid.replace("\n", "").trim();
      return Optional.of(new BinlogCoordinates(row.get("BINLOG_FILE"), Long.parseLong(row.get("BINLOG_POSITION")),
          gtid == null || gtid.isEmpty() ? null : gtid));
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  private FrozenCopy result(TempServer server, BinlogCoordinates c, String extra) {
    return result(server, c, "a clone of the source (CLONE INSTANCE FROM) running as a temporary server on the worker"
        + " host at {endpoint} (dir {dir}); source coordinates {coordinates} from performance_schema.clone_status", extra);
  }
}
