package dev.migrator.copy;

import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** {@link InlineChecksumsContract}, MariaDB to MariaDB. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InlineChecksumsMariaDbTest extends InlineChecksumsContract {
  LocalMariaDb s;
  LocalMariaDb d;

  @BeforeAll
  void start() throws Exception {
    s = LocalMariaDb.start("inline-src");
    d = LocalMariaDb.start("inline-dst");
    setUpServers();
  }

  @AfterAll
  void stop() {
    tearDownServers();
    if (s != null) s.close();
    if (d != null) d.close();
  }

  @Override
  LocalServer src() {
    return s;
  }

  @Override
  LocalServer dst() {
    return d;
  }
}
