package dev.migrator.freeze;

import dev.migrator.activities.FreezeInput;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.Endpoint;
import dev.migrator.model.FrozenCopy;
import dev.migrator.mysql.Connector;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;

/**
 * What the freezers that leave a {@link TempServer} on the worker host share (physical-backup,
 * clone): the directory named from the migration id, the frozen endpoint, the release.
 */
abstract class TempServerFreezer implements Freezer {
  protected final Connector connector;
  protected final FreezeConfig cfg;

  TempServerFreezer(Connector connector, FreezeConfig cfg) {
    this.connector = connector;
    this.cfg = cfg;
  }

  public Path dirFor(String migrationId) {
    return cfg.workDir().resolve(FreezeNames.dirName(migrationId));
  }

  /** Where the worker itself reaches the temporary server. */
  protected String connectHost() {
    return "0.0.0.0".equals(cfg.bindAddress()) ? "127.0.0.1" : cfg.bindAddress();
  }

  /** The frozen copy of {@code server} at {@code c}; {@code how} says what made it and where the coordinates come from. */
  protected FrozenCopy result(TempServer server, BinlogCoordinates c, String how, String extra) {
    FrozenCopy f = new FrozenCopy();
    f.method = method();
    f.endpoint = new Endpoint(cfg.advertisedHost(), server.port(), TempServer.USER, "file:" + server.passwordFile());
    f.coordinates = c;
    f.resumable = true;
    f.resourceId = server.dir().toString();
    f.note = method() + ": " + how.replace("{endpoint}", f.endpoint.address()).replace("{dir}", server.dir().toString())
        .replace("{coordinates}", String.valueOf(c))
        + "; released by stopping the server (pid file) and deleting the dir" + (extra == null ? "" : "; " + extra);
    return f;
  }

  @Override
  public void release(FreezeInput r, String migrationId) {
    try {
      new TempServer(dirFor(migrationId)).destroy();
    } catch (IllegalStateException e) {
      throw ApplicationFailure.newFailure(method() + " release: " + e.getMessage(), "ReleaseFailed");
    }
  }
}
