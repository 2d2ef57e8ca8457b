package dev.migrator.adapters;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;

/** {@link ReplicationOnRealServers} on two MySQL 9.7 servers (GTIDs on, caching_sha2_password, no TLS channel). */
class ReplicationOnMySqlTest extends ReplicationOnRealServers {
  @Override
  LocalServer startServer(String name) {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
    return LocalMySql.start(name);
  }
}
