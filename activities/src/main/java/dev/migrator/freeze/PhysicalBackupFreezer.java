package dev.migrator.freeze;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Endpoint;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.FrozenCopy;
import dev.migrator.activities.FreezeInput;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.MySqlErrors;
import dev.migrator.mysql.ServerInfo;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code physical-backup}: mariabackup (MariaDB) / xtrabackup (MySQL) of the running source,
 * prepared, then started as a temporary server in {@code <work dir>/freeze-<migration id>}; the
 * coordinates come from the backup's binlog info file, which the tool records under its
 * commit-blocking lock, so they match the backup's contents exactly.
 *
 * <p>Where it runs: the backup tool reads the source's data files, so the worker running this
 * activity must run on the source host (or see its data dir, e.g. the same volume). The frozen
 * copy then lives on that worker host; its endpoint is {@code MIGRATOR_FROZEN_HOST:port}.
 */
public final class PhysicalBackupFreezer extends TempServerFreezer {
  public PhysicalBackupFreezer(Connector connector, FreezeConfig cfg) {
    super(connector, cfg);
  }

  @Override
  public String method() {
    return FreezeMethod.PHYSICAL_BACKUP;
  }

  @Override
  public FrozenCopy freeze(FreezeInput r, String migrationId) {
    TempServer server = new TempServer(dirFor(migrationId));
    // A retry after the result of a finished freeze was lost: the same server, the same coordinates.
    if (server.process().isPresent() && server.answers(connectHost())) {
      BinlogCoordinates c = readBinlogInfo(server.dataDir(), List.of("mariadb_backup_binlog_info", "xtrabackup_binlog_info"));
      if (c != null) return result(server, c, "reused the running temporary server from an earlier attempt");
    }
    server.destroy(); // anything half-made by an earlier attempt
    boolean ok = false;
    try {
      Files.createDirectories(server.dir());
      Prepared p = backup(r, server);
      server.launch(p.tool.serverProgram(), cfg.bindAddress(), cfg.bufferPool(), Duration.ofMinutes(10));
      ok = true;
      return result(server, p.coordinates, null);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("physical-backup: cannot use the work dir " + server.dir() + ": " + e, "FreezeFailed");
    } catch (IllegalStateException e) {
      throw ApplicationFailure.newFailure("physical-backup: " + e.getMessage(), "FreezeFailed");
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

  private FrozenCopy result(TempServer server, BinlogCoordinates c, String extra) {
    return result(server, c, "prepared backup running as a temporary server on the worker host at {endpoint} (dir"
        + " {dir}); source coordinates {coordinates} from the backup's binlog info", extra);
  }

  private record Prepared(BackupTool tool, BinlogCoordinates coordinates) {}

  private Prepared backup(FreezeInput r, TempServer server) throws IOException {
    BackupTool tool;
    List<String> settings = new ArrayList<>();
    try (Connection c = connector.open("source", r.source)) {
      ServerInfo info = ServerInfo.of(c);
      String logBin = one(c, "SELECT @@GLOBAL.log_bin");
      if (!"1".equals(logBin) && !"ON".equalsIgnoreCase(logBin)) {
        throw ApplicationFailure.newNonRetryableFailure("physical-backup: the binary log is off on the source "
            + r.source.address() + " (log_bin=OFF), so a backup has no binlog coordinates to replicate from;"
            + " enable log_bin (and binlog_format=ROW) on the source and restart it, or use another method",
            "InvalidRequest");
      }
      tool = BackupTool.forServer(info, cfg);
      tool.requireMatching(info);
      settings.add("datadir=" + one(c, "SELECT @@GLOBAL.datadir"));
      for (String v : List.of("innodb_data_home_dir", "innodb_log_group_home_dir", "innodb_undo_directory")) {
        String val = one(c, "SELECT @@GLOBAL." + v);
        if (val != null && val.startsWith("/")) settings.add(v + "=" + val);
      }
      settings.add("innodb_page_size=" + one(c, "SELECT @@GLOBAL.innodb_page_size"));
      settings.add("innodb_data_file_path=" + one(c, "SELECT @@GLOBAL.innodb_data_file_path"));
    } catch (SQLException e) {
      throw MySqlErrors.failure("source", r.source, e);
    }
    String group = tool.mariadb() ? "mariabackup" : "xtrabackup";
    String pw = connector.credentials().resolve(r.source.password, "source.password");
    // The only option file read (not /etc/mysql/my.cnf, which may describe another server); it
    // holds the password, so it is private and deleted right after the backup.
    Path cnf = server.dir().resolve("backup.cnf");
    List<String> lines = new ArrayList<>();
    lines.add("[" + group + "]");
    lines.addAll(settings);
    lines.add("host=" + r.source.host);
    lines.add("port=" + r.source.port);
    lines.add("user=" + quoted(r.source.user));
    if (pw != null) lines.add("password=" + quoted(pw));
    if (r.source.tlsCaFile != null && !r.source.tlsCaFile.isBlank()) lines.add("ssl-ca=" + r.source.tlsCaFile);
    TempServer.writePrivate(cnf, String.join("\n", lines) + "\n");
    try {
      run(tool, List.of(tool.program(), "--defaults-file=" + cnf, "--backup", "--target-dir=" + server.dataDir()),
          server.dir().resolve("backup.log"), "backup");
    } finally {
      Files.deleteIfExists(cnf);
    }
    BinlogCoordinates c = readBinlogInfo(server.dataDir(), tool.binlogInfoFiles());
    if (c == null) {
      throw ApplicationFailure.newNonRetryableFailure("physical-backup: the backup of " + r.source.address()
          + " recorded no binlog position (no " + tool.binlogInfoFiles() + "); is the binary log on?", "FreezeFailed");
    }
    run(tool, List.of(tool.program(), "--no-defaults", "--prepare", "--target-dir=" + server.dataDir()),
        server.dir().resolve("prepare.log"), "prepare");
    return new Prepared(tool, c);
  }

  private static void run(BackupTool tool, List<String> cmd, Path log, String what) throws IOException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure("physical-backup: cannot run " + tool.program() + " (" + e.getMessage()
          + "); install " + (tool.mariadb() ? "mariadb-backup (mariabackup)" : "Percona XtraBackup matching the MySQL version")
          + " on the worker host, or set MIGRATOR_BACKUP_TOOL", "InvalidRequest");
    }
    try {
      long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(24);
      while (!p.waitFor(5, TimeUnit.SECONDS)) {
        if (System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IllegalStateException(what + " did not finish in 24 h");
        }
        try {
          Heartbeats.beat(what);
        } catch (RuntimeException cancelled) {
          p.destroyForcibly();
          throw cancelled;
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(Path.of(tool.program()).getFileName() + " --" + what + " failed (exit "
          + p.exitValue() + "): " + TempServer.tail(log));
    }
  }

  /** "file\tposition[\tgtid]" from the first binlog info file present; null when none or empty. */
  static BinlogCoordinates readBinlogInfo(Path dataDir, List<String> names) {
    for (String n : names) {
      Path f = dataDir.resolve(n);
      if (!Files.isRegularFile(f)) continue;
      try {
        String s = Files.readString(f, StandardCharsets.UTF_8).trim();
        if (s.isEmpty()) continue;
        String[] parts = s.split("\\s+", 3);
        if (parts.length < 2) continue;
        String file = parts[0].startsWith("./") ? parts[0].substring(2) : parts[0];
        return new BinlogCoordinates(file, Long.parseLong(parts[1]), parts.length > 2 ? parts[2].replace("\n", "") : null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (NumberFormatException e) {
        throw new IllegalStateException("unreadable binlog info in " + f);
      }
    }
    return null;
  }

  /** An option-file value in double quotes: '#' would start a comment, quotes and backslashes are escaped. */
  static String quoted(String v) {
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
