package dev.migrator.freeze;

import dev.migrator.mysql.ServerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The physical backup program and the matching server program, chosen by the source's version:
 * MariaDB → mariabackup + mariadbd (binlog info in {@code mariadb_backup_binlog_info} or, up to
 * at least 10.11, {@code xtrabackup_binlog_info}); MySQL/Percona → Percona XtraBackup
 * ({@code xtrabackup}) + mysqld ({@code xtrabackup_binlog_info}). The tool must match the
 * server's major version (XtraBackup 8.0 for MySQL 8.0, 8.4 for 8.4, 2.4 for 5.7).
 */
public record BackupTool(String program, String serverProgram, boolean mariadb, List<String> binlogInfoFiles) {

  public static BackupTool forServer(ServerInfo info, FreezeConfig cfg) {
    if (info.mariadb()) {
      return new BackupTool(
          cfg.backupTool() != null ? cfg.backupTool() : find("mariabackup", "/usr/bin/mariabackup", "/usr/bin/mariadb-backup"),
          cfg.serverBinary() != null ? cfg.serverBinary() : find("mariadbd", "/usr/sbin/mariadbd", "/usr/sbin/mysqld"),
          true, List.of("mariadb_backup_binlog_info", "xtrabackup_binlog_info"));
    }
    return new BackupTool(
        cfg.backupTool() != null ? cfg.backupTool() : find("xtrabackup", "/usr/bin/xtrabackup"),
        cfg.serverBinary() != null ? cfg.serverBinary() : find("mysqld", "/usr/sbin/mysqld"),
        false, List.of("xtrabackup_binlog_info"));
  }

  /**
   * mariabackup and xtrabackup only back up servers of their own major version: refuses a clear
   * mismatch ("based on MariaDB server 10.11.19" / "based on MySQL server 8.0.35" vs VERSION()).
   * Says nothing when the version cannot be read (e.g. a wrapper from MIGRATOR_BACKUP_TOOL).
   */
  public void requireMatching(ServerInfo server) {
    String out;
    try {
      Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
      p.getOutputStream().close();
      out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return;
      }
    } catch (java.io.IOException e) {
      return; // reported clearly when the backup runs
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("based on (?:MariaDB|MySQL) server (\\d+)\\.(\\d+)").matcher(out);
    if (!m.find()) return;
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    if (major != server.major() || minor != server.minor()) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("physical-backup: " + program + " is built for "
          + major + "." + minor + " but the source runs " + server.version() + "; install the backup tool matching the"
          + " source's version on the worker host (or set MIGRATOR_BACKUP_TOOL)", "InvalidRequest");
    }
  }

  /** The first executable candidate, else the bare name (resolved on PATH by the OS, or failing clearly when run). */
  static String find(String name, String... candidates) {
    for (String c : candidates) {
      if (Files.isExecutable(Path.of(c))) return c;
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) return Path.of(d, name).toString();
    }
    return name;
  }
}
