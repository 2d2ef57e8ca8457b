package dev.migrator.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.Endpoint;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * A password rotated in Secrets Manager while a migration runs: the worker still holds the old
 * value in its cache, the server answers ERROR 1045, the connector reads the secret again and
 * connects with the new value instead of pausing the migration.
 */
class SecretRotationTest {
  static LocalMariaDb db;
  static final String SECRET = "prod/app-db";
  static final String REF = "secret:" + SECRET + "#password";
  final FakeSecretsManager aws = new FakeSecretsManager();
  final Connector connector = new Connector(new CredentialResolver(Map.of(),
      new AwsSecretsManagerSource(() -> Optional.of(Region.US_EAST_1), r -> aws, Duration.ofMinutes(5), System::nanoTime)));

  @BeforeAll
  static void start() {
    db = LocalMariaDb.start("secret-rotation");
  }

  @AfterAll
  static void stop() {
    if (db != null) db.close();
  }

  void account(String user, String password) {
    db.sql("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
        "ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'", "GRANT SELECT ON mysql.* TO '" + user + "'@'%'");
  }

  void secret(String user, String password) {
    aws.secrets.put(SECRET, "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
  }

  static String currentUser(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void aRotatedPasswordIsReadAgainAfterAccessDeniedAndTheConnectionSucceeds() throws Exception {
    account("app", "first-pass-1");
    secret("app", "first-pass-1");
    Endpoint e = new Endpoint(db.host(), db.port(), "app", REF);
    try (Connection c = connector.open("source", e)) {
      assertEquals("app@%", currentUser(c));
    }
    assertEquals(1, aws.reads.get());
    try (Connection c = connector.open("source", e)) {
      assertEquals("app@%", currentUser(c));
    }
    assertEquals(1, aws.reads.get(), "cached: one read for many connections");

    // The rotation: Secrets Manager gets the new value and the account is changed to it.
    secret("app", "second-pass-2");
    account("app", "second-pass-2");
    try (Connection c = connector.open("source", e)) {
      assertEquals("app@%", currentUser(c), "connected with the new value");
    }
    assertEquals(2, aws.reads.get(), "one re-read after ERROR 1045");
    try (Connection c = connector.open("source", e)) {
      assertEquals("app@%", currentUser(c));
    }
    assertEquals(2, aws.reads.get(), "the new value is cached again");
  }

  @Test
  void aPasswordThatIsStillWrongAfterTheReReadFailsOnceWithoutEchoingIt() {
    account("app2", "real-pass-3");
    secret("app2", "stale-pass-4");
    Endpoint e = new Endpoint(db.host(), db.port(), "app2", REF.replace("app-db", "app2-db"));
    aws.secrets.put("prod/app2-db", aws.secrets.remove(SECRET));
    ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> connector.open("source", e));
    assertTrue(f.getOriginalMessage().contains("ERROR 1045"), f.getOriginalMessage());
    assertFalse(f.getOriginalMessage().contains("stale-pass-4"), f.getOriginalMessage());
    assertFalse(f.getOriginalMessage().contains("real-pass-3"), f.getOriginalMessage());
    assertEquals(2, aws.reads.get(), "the first read, and one re-read that gave the same value (no second connect)");

    // Changed but still wrong: exactly one more connect, then the 1045 stands.
    aws.secrets.put("prod/app2-db", "{\"password\":\"other-wrong-5\"}");
    assertThrows(ApplicationFailure.class, () -> connector.open("source", e));
    assertEquals(3, aws.reads.get());
  }

  @Test
  void envAndFileReferencesAreNotRetried() {
    account("app3", "env-pass-6");
    Connector envConnector = new Connector(new CredentialResolver(Map.of("APP3_PW", "wrong-env-7"), (SecretSource) null));
    Endpoint e = new Endpoint(db.host(), db.port(), "app3", "env:APP3_PW");
    ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> envConnector.open("target", e));
    assertTrue(f.getOriginalMessage().contains("ERROR 1045"), f.getOriginalMessage());
    assertFalse(f.getOriginalMessage().contains("wrong-env-7"));
  }
}
