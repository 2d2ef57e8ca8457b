package dev.migrator.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.mysql.CredentialResolver;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class AwsSecretsManagerSourceTest {
  final FakeSecretsManager aws = new FakeSecretsManager();
  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final List<Region> clientsCreated = new ArrayList<>();
  Optional<Region> defaultRegion = Optional.of(Region.US_EAST_1);

  AwsSecretsManagerSource source(Duration ttl) {
    return new AwsSecretsManagerSource(() -> defaultRegion, r -> {
      clientsCreated.add(r);
      return aws;
    }, ttl, clock::get);
  }

  CredentialResolver resolver(Duration ttl) {
    return new CredentialResolver(Map.of("DB_PW", "from-env"), source(ttl));
  }

  static String failure(Runnable r) {
    ApplicationFailure f = assertThrows(ApplicationFailure.class, r::run);
    return f.getOriginalMessage();
  }

  @Test
  void readsNamesJsonKeysAndArnsAndCachesEachSecretForTheTtl() {
    aws.secrets.put("prod/db", "{\"username\":\"app\",\"password\":\"json-pass\",\"port\":3306}");
    aws.secrets.put("plain", "whole-value");
    String arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/other-AbCdEf";
    aws.secrets.put(arn, "by-arn");
    CredentialResolver r = resolver(Duration.ofMinutes(5));

    assertEquals("json-pass", r.resolve("secret:prod/db#password", "source.password"));
    assertEquals("app", r.resolve("secret:prod/db#username", "source.user"));
    assertEquals("3306", r.resolve("secret:prod/db#port", "x"));
    assertEquals("whole-value", r.resolve("secret:plain", "target.password"));
    assertEquals("by-arn", r.resolve("secret:" + arn, "replication.password"));
    assertEquals(3, aws.reads.get(), "one read per secret: the JSON keys share one cached value");
    assertEquals(List.of(Region.US_EAST_1, Region.EU_WEST_1), clientsCreated, "one client per region; an ARN's region wins");

    clock.addAndGet(Duration.ofMinutes(5).minusSeconds(1).toNanos());
    r.resolve("secret:prod/db#password", "source.password");
    assertEquals(3, aws.reads.get(), "still cached just before the TTL");
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    aws.secrets.put("prod/db", "{\"username\":\"app\",\"password\":\"rotated\"}");
    assertEquals("rotated", r.resolve("secret:prod/db#password", "source.password"));
    assertEquals(4, aws.reads.get(), "read again after the TTL");
  }

  @Test
  void invalidateMakesTheNextUseReadAgainAndTtlZeroNeverCaches() {
    aws.secrets.put("prod/db", "one");
    CredentialResolver r = resolver(Duration.ofMinutes(5));
    assertEquals("one", r.resolve("secret:prod/db", "p"));
    aws.secrets.put("prod/db", "two");
    assertEquals("one", r.resolve("secret:prod/db", "p"));
    assertTrue(r.invalidate("secret:prod/db#password"), "the JSON key names the same secret");
    assertEquals("two", r.resolve("secret:prod/db", "p"));
    assertFalse(r.invalidate("env:DB_PW"), "env: is read on every use: nothing to invalidate");
    assertFalse(r.invalidate("file:/x"));

    CredentialResolver uncached = resolver(Duration.ZERO);
    int before = aws.reads.get();
    uncached.resolve("secret:prod/db", "p");
    uncached.resolve("secret:prod/db", "p");
    assertEquals(before + 2, aws.reads.get());
  }

  @Test
  void nothingTouchesAwsUntilTheFirstSecretReference() {
    CredentialResolver r = resolver(Duration.ofMinutes(5));
    assertEquals("from-env", r.resolve("env:DB_PW", "source.password"));
    assertEquals(List.of(), clientsCreated);
    assertEquals(0, aws.reads.get());
    // Even without any region or credentials: only a secret: reference needs them.
    defaultRegion = Optional.empty();
    aws.noCredentials = true;
    assertEquals("from-env", resolver(Duration.ofMinutes(5)).resolve("env:DB_PW", "source.password"));
  }

  @Test
  void eachFailureSaysWhatIsMissingAndNamesTheReferenceNeverTheValue() {
    aws.secrets.put("prod/db", "{\"username\":\"app\",\"password\":\"super-secret-value\"}");
    aws.secrets.put("plain", "plain-secret-value");
    aws.secrets.put("denied/db", "denied-secret-value");
    aws.denied.add("denied/db");
    CredentialResolver r = resolver(Duration.ofMinutes(5));

    String notFound = failure(() -> r.resolve("secret:prod/missing", "source.password"));
    assertTrue(notFound.startsWith("source.password (secret:prod/missing): secret 'prod/missing' not found"), notFound);
    assertTrue(notFound.contains("us-east-1"), notFound);

    String denied = failure(() -> r.resolve("secret:denied/db#password", "target.password"));
    assertTrue(denied.contains("(secret:denied/db#password): access denied to secret 'denied/db'"), denied);
    assertTrue(denied.contains("secretsmanager:GetSecretValue"), denied);

    String missingKey = failure(() -> r.resolve("secret:prod/db#pasword", "source.password"));
    assertTrue(missingKey.contains("the JSON key 'pasword' is missing from secret 'prod/db' (its keys: [username, password])"),
        missingKey);

    String notJson = failure(() -> r.resolve("secret:plain#password", "source.password"));
    assertTrue(notJson.contains("secret 'plain' is not a JSON object, but the reference asks for its key 'password'"),
        notJson);

    defaultRegion = Optional.empty();
    String noRegion = failure(() -> resolver(Duration.ofMinutes(5)).resolve("secret:prod/db#password", "source.password"));
    assertTrue(noRegion.contains("(secret:prod/db#password): no AWS region found on the worker: set AWS_REGION"), noRegion);

    defaultRegion = Optional.of(Region.US_EAST_1);
    aws.noCredentials = true;
    String noCredentials = failure(() -> resolver(Duration.ofMinutes(5)).resolve("secret:prod/db#password", "source.password"));
    assertTrue(noCredentials.contains("(secret:prod/db#password): no AWS credentials found on the worker"), noCredentials);

    for (String m : List.of(notFound, denied, missingKey, notJson, noRegion, noCredentials)) {
      for (String value : List.of("super-secret-value", "plain-secret-value", "denied-secret-value")) {
        assertFalse(m.contains(value), m);
      }
    }
    ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> r.resolve("secret:prod/missing", "p"));
    assertTrue(f.isNonRetryable(), "a missing secret does not fix itself by retrying");
  }

  @Test
  void theRealSdkClientWithoutCredentialsIsReportedAsNoCredentials() {
    assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null && System.getProperty("aws.accessKeyId") == null,
        "this machine has AWS credentials in its environment");
    // A real client; the credential chain (environment, system properties) finds nothing and the
    // SDK fails before sending anything, as on a worker without credentials.
    AwsSecretsManagerSource real = new AwsSecretsManagerSource(() -> Optional.of(Region.US_EAST_1),
        region -> SecretsManagerClient.builder().region(region).credentialsProvider(AwsCredentialsProviderChain.of(
            SystemPropertyCredentialsProvider.create(), EnvironmentVariableCredentialsProvider.create())).build(),
        Duration.ofMinutes(5), System::nanoTime);
    String m = failure(() -> new CredentialResolver(Map.of(), real).resolve("secret:prod/db#password", "source.password"));
    assertTrue(m.contains("no AWS credentials found on the worker"), m);
  }

  @Test
  void badReferencesAndAResolverWithoutSecretsManagerSaySo() {
    CredentialResolver r = resolver(Duration.ofMinutes(5));
    assertTrue(failure(() -> r.resolve("secret:prod/db#", "p")).contains("write secret:NAME, secret:ARN or secret:NAME#jsonKey"));
    String none = failure(() -> new CredentialResolver(Map.of(), (SecretSource) null).resolve("secret:prod/db", "p"));
    assertTrue(none.contains("this process has no AWS Secrets Manager lookup wired"), none);
  }

  @Test
  void cacheTtlComesFromTheEnvironment() {
    assertEquals(Duration.ofMinutes(5), AwsSecretsManagerSource.cacheTtl(Map.of()));
    assertEquals(Duration.ofSeconds(30), AwsSecretsManagerSource.cacheTtl(Map.of("MIGRATOR_SECRET_CACHE_SECONDS", "30")));
    assertEquals(Duration.ZERO, AwsSecretsManagerSource.cacheTtl(Map.of("MIGRATOR_SECRET_CACHE_SECONDS", "0")));
    assertThrows(IllegalArgumentException.class,
        () -> AwsSecretsManagerSource.cacheTtl(Map.of("MIGRATOR_SECRET_CACHE_SECONDS", "-1")));
  }

  @Test
  void referencesParse() {
    assertEquals(new SecretRef("prod/db", "password"), SecretRef.parse("prod/db#password"));
    assertEquals(new SecretRef("prod/db", null), SecretRef.parse("prod/db"));
    SecretRef arn = SecretRef.parse("arn:aws:secretsmanager:ap-south-1:123456789012:secret:x-Ab12#k");
    assertEquals(Optional.of("ap-south-1"), arn.arnRegion());
    assertEquals("k", arn.jsonKey());
    assertEquals(Optional.empty(), SecretRef.parse("name").arnRegion());
  }
}
