package dev.migrator.freeze;

import java.nio.file.Path;
import java.util.Map;

/**
 * Worker-side settings of the freeze methods, read from the worker's environment:
 * <ul>
 *   <li>{@code MIGRATOR_WORK_DIR}: where physical-backup frozen copies live
 *       ({@code <dir>/freeze-<migration id>}); default {@code <java.io.tmpdir>/migrator-work}.
 *   <li>{@code MIGRATOR_FROZEN_BIND}: address the temporary server listens on (default 127.0.0.1).
 *   <li>{@code MIGRATOR_FROZEN_HOST}: host name put into the frozen endpoint (default: the bind
 *       address); set it when other workers must reach the temporary server.
 *   <li>{@code MIGRATOR_BACKUP_TOOL}: the backup program to run instead of mariabackup/xtrabackup
 *       chosen by server version (e.g. a wrapper script).
 *   <li>{@code MIGRATOR_SERVER_BINARY}: the server program for the temporary server instead of
 *       mariadbd/mysqld chosen by server version.
 *   <li>{@code MIGRATOR_FROZEN_BUFFER_POOL}: innodb_buffer_pool_size of the temporary server
 *       (default 256M).
 * </ul>
 */
public record FreezeConfig(Path workDir, String bindAddress, String advertisedHost, String backupTool,
    String serverBinary, String bufferPool) {

  public static FreezeConfig fromEnv() {
    return from(System.getenv());
  }

  public static FreezeConfig from(Map<String, String> env) {
    String work = env.get("MIGRATOR_WORK_DIR");
    String bind = env.getOrDefault("MIGRATOR_FROZEN_BIND", "127.0.0.1");
    return new FreezeConfig(
        work == null || work.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "migrator-work") : Path.of(work),
        bind, env.getOrDefault("MIGRATOR_FROZEN_HOST", bind), env.get("MIGRATOR_BACKUP_TOOL"),
        env.get("MIGRATOR_SERVER_BINARY"), env.getOrDefault("MIGRATOR_FROZEN_BUFFER_POOL", "256M"));
  }

  public static FreezeConfig forWorkDir(Path workDir) {
    return new FreezeConfig(workDir, "127.0.0.1", "127.0.0.1", null, null, "128M");
  }

  public FreezeConfig withBackupTool(String tool) {
    return new FreezeConfig(workDir, bindAddress, advertisedHost, tool, serverBinary, bufferPool);
  }
}
