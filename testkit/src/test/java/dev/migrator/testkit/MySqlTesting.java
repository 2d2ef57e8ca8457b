package dev.migrator.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.servers.MySqlServer;

/** Skips a test without MySQL, unless MIGRATOR_REQUIRE_MYSQL=1 (bin/test, CI): then starting a server fails. */
final class MySqlTesting {
  private MySqlTesting() {}

  static void assumeMySql() {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
  }
}
