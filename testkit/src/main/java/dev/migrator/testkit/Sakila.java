package dev.migrator.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds and loads the Sakila sample database shipped in shared/datasets/sakila. */
public final class Sakila {
  private Sakila() {}

  /** The dataset folder: $MIGRATOR_SHARED_DIR or -Dmigrator.shared.dir, else ../shared or ./shared upwards. */
  public static Path dir() {
    String configured = System.getProperty("migrator.shared.dir", System.getenv("MIGRATOR_SHARED_DIR"));
    if (configured != null && Files.isDirectory(Path.of(configured, "datasets", "sakila"))) {
      return Path.of(configured, "datasets", "sakila");
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      for (Path c : new Path[] {p.resolve("shared"), p.resolve("../shared").normalize()}) {
        if (Files.isDirectory(c.resolve("datasets/sakila"))) return c.resolve("datasets/sakila");
      }
      p = p.getParent();
    }
    throw new IllegalStateException("the sakila dataset (shared/datasets/sakila) was not found; set MIGRATOR_SHARED_DIR"
        + " to the folder that holds datasets/");
  }

  /** Creates the sakila schema with its data in {@code db}. */
  public static void load(LocalServer db) {
    Path d = dir();
    db.loadSqlFile(d.resolve("sakila-mv-schema.sql"));
    db.loadSqlFile(d.resolve("sakila-mv-data.sql"));
  }
}
