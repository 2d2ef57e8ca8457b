package dev.migrator.adapters;

import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalServer;

/** {@link ReplicationOnRealServers} on two MariaDB 10.11 servers. */
class ReplicationOnMariaDbTest extends ReplicationOnRealServers {
  @Override
  LocalServer startServer(String name) {
    return LocalMariaDb.start(name);
  }
}
