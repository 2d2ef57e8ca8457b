package dev.migrator.copy;

import dev.migrator.testkit.LocalMySql;
import dev.migrator.testkit.LocalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** {@link InlineChecksumsContract}, MySQL 9.7 to MySQL 9.7 (no MD5()/SHA1() there; CRC32() is). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InlineChecksumsMySqlTest extends InlineChecksumsContract {
  LocalMySql s;
  LocalMySql d;

  @BeforeAll
  void start() throws Exception {
    s = LocalMySql.start("inline-msrc");
    d = LocalMySql.start("inline-mdst");
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
