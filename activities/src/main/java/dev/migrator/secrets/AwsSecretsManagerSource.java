package dev.migrator.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DecryptionFailureException;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * {@code secret:} references read from AWS Secrets Manager with the SDK's default credential chain
 * and region ({@code AWS_REGION}, profile, container or instance metadata; a secret given by its
 * ARN uses the ARN's region). Nothing touches AWS until the first {@code secret:} reference: the
 * region is looked up and the client created then, once per region.
 *
 * <p>Values are cached per secret for {@code ttl} (default 5 minutes, {@code
 * MIGRATOR_SECRET_CACHE_SECONDS}; 0 = no cache), so a copy with many connections reads a secret
 * once, and a rotated value is picked up within the TTL, or at once where the caller invalidates
 * the entry after the value was refused ({@link dev.migrator.mysql.Connector} does on ERROR 1045).
 *
 * <p>Failures name the reference and what is missing (no region, no credentials, not found, access
 * denied, no such JSON key, not JSON) and never the value; permanent ones are non-retryable.
 */
public final class AwsSecretsManagerSource implements SecretSource {
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<Optional<Region>> defaultRegion;
  private final Function<Region, SecretsManagerClient> clientFactory;
  private final Duration ttl;
  private final LongSupplier nanoTime;
  private final Map<Region, SecretsManagerClient> clients = new ConcurrentHashMap<>();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private volatile Region foundDefaultRegion;

  private record Cached(String value, long readAtNanos) {}

  public AwsSecretsManagerSource(Supplier<Optional<Region>> defaultRegion,
      Function<Region, SecretsManagerClient> clientFactory, Duration ttl, LongSupplier nanoTime) {
    this.defaultRegion = defaultRegion;
    this.clientFactory = clientFactory;
    this.ttl = ttl == null ? DEFAULT_TTL : ttl;
    this.nanoTime = nanoTime;
  }

  /** The SDK's default region chain and credential chain, created on first use. */
  public static AwsSecretsManagerSource lazyDefault(Duration ttl) {
    return new AwsSecretsManagerSource(AwsSecretsManagerSource::sdkDefaultRegion,
        region -> SecretsManagerClient.builder().region(region).build(), ttl, System::nanoTime);
  }

  /** {@link #lazyDefault} with the TTL from {@code MIGRATOR_SECRET_CACHE_SECONDS}. */
  public static AwsSecretsManagerSource fromEnvironment(Map<String, String> env) {
    return lazyDefault(cacheTtl(env));
  }

  /** {@code MIGRATOR_SECRET_CACHE_SECONDS} (default 300; 0 = read on every use). */
  public static Duration cacheTtl(Map<String, String> env) {
    String s = env.get("MIGRATOR_SECRET_CACHE_SECONDS");
    if (s == null || s.isBlank()) return DEFAULT_TTL;
    try {
      long v = Long.parseLong(s.trim());
      if (v < 0) throw new NumberFormatException();
      return Duration.ofSeconds(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("MIGRATOR_SECRET_CACHE_SECONDS must be a number of seconds >= 0, not '" + s + "'");
    }
  }

  static Optional<Region> sdkDefaultRegion() {
    try {
      return Optional.ofNullable(new DefaultAwsRegionProviderChain().getRegion());
    } catch (SdkClientException e) { // "Unable to load region from any of the providers in the chain"
      return Optional.empty();
    }
  }

  @Override
  public String get(SecretRef ref, String what) {
    String value = secretString(ref, what);
    return ref.jsonKey() == null ? value : jsonKey(value, ref, what);
  }

  @Override
  public void invalidate(SecretRef ref) {
    cache.remove(ref.secretId());
  }

  private String secretString(SecretRef ref, String what) {
    Cached c = cache.get(ref.secretId());
    long now = nanoTime.getAsLong();
    if (c != null && now - c.readAtNanos < ttl.toNanos()) return c.value;
    String v = read(ref, what);
    if (!ttl.isZero()) cache.put(ref.secretId(), new Cached(v, now));
    return v;
  }

  private String read(SecretRef ref, String what) {
    Region region = region(ref, what);
    SecretsManagerClient client;
    try {
      client = clients.computeIfAbsent(region, clientFactory);
    } catch (SdkClientException e) {
      throw fail(what, ref, "cannot create an AWS Secrets Manager client for region " + region + " ("
          + e.getMessage() + ")", true);
    }
    GetSecretValueResponse r;
    try {
      r = client.getSecretValue(b -> b.secretId(ref.secretId()));
    } catch (ResourceNotFoundException e) {
      throw fail(what, ref, "secret '" + ref.secretId() + "' not found in AWS Secrets Manager in region " + region
          + " (check the name, the region, and that it is not scheduled for deletion)", true);
    } catch (DecryptionFailureException e) {
      throw fail(what, ref, "access denied to the KMS key of secret '" + ref.secretId() + "' in region " + region
          + ": the worker's AWS identity needs kms:Decrypt on it", true);
    } catch (SecretsManagerException e) {
      if (accessDenied(e)) {
        throw fail(what, ref, "access denied to secret '" + ref.secretId() + "' in region " + region
            + ": the worker's AWS identity needs secretsmanager:GetSecretValue on it", true);
      }
      throw fail(what, ref, "AWS Secrets Manager refused to read secret '" + ref.secretId() + "' in region " + region
          + " (" + errorCode(e) + ")", !(e.isThrottlingException() || e.statusCode() >= 500));
    } catch (SdkClientException e) {
      if (noCredentials(e)) {
        throw fail(what, ref, "no AWS credentials found on the worker (looked in the environment, system properties,"
            + " web identity, the shared profile, the container and the instance role): give it credentials"
            + " that may read the secret", true);
      }
      // Network trouble reaching AWS: worth retrying.
      throw fail(what, ref, "cannot reach AWS Secrets Manager in region " + region + " (" + e.getMessage() + ")", false);
    } catch (SdkException e) {
      throw fail(what, ref, "cannot read the secret from AWS Secrets Manager in region " + region + " ("
          + e.getClass().getSimpleName() + ")", false);
    }
    if (r.secretString() != null) return r.secretString();
    throw fail(what, ref, "secret '" + ref.secretId() + "' holds binary data, not a string", true);
  }

  private Region region(SecretRef ref, String what) {
    Optional<String> fromArn = ref.arnRegion();
    if (fromArn.isPresent()) return Region.of(fromArn.get());
    Region r = foundDefaultRegion;
    if (r != null) return r;
    r = defaultRegion.get().orElseThrow(() -> fail(what, ref, "no AWS region found on the worker: set AWS_REGION (or"
        + " a region in its AWS profile), or name the secret by its full ARN", true));
    foundDefaultRegion = r;
    return r;
  }

  private static String jsonKey(String value, SecretRef ref, String what) {
    JsonNode node;
    try {
      node = JSON.readTree(value);
    } catch (Exception e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw fail(what, ref, "secret '" + ref.secretId() + "' is not a JSON object, but the reference asks for its key '"
          + ref.jsonKey() + "'; drop '#" + ref.jsonKey() + "' to use the whole value", true);
    }
    JsonNode v = node.get(ref.jsonKey());
    if (v == null || v.isNull()) {
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      throw fail(what, ref, "the JSON key '" + ref.jsonKey() + "' is missing from secret '" + ref.secretId()
          + "' (its keys: " + keys + ")", true);
    }
    if (v.isContainerNode()) {
      throw fail(what, ref, "the JSON key '" + ref.jsonKey() + "' of secret '" + ref.secretId()
          + "' holds an object or array, not a string", true);
    }
    return v.asText();
  }

  static boolean accessDenied(SecretsManagerException e) {
    String code = errorCode(e);
    return e.statusCode() == 403 || "AccessDeniedException".equals(code) || "AccessDenied".equals(code);
  }

  static boolean noCredentials(SdkClientException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && m.contains("Unable to load credentials")) return true;
    }
    return false;
  }

  private static String errorCode(SecretsManagerException e) {
    return e.awsErrorDetails() == null ? "HTTP " + e.statusCode() : e.awsErrorDetails().errorCode();
  }

  private static ApplicationFailure fail(String what, SecretRef ref, String why, boolean permanent) {
    String message = what + " (" + ref.reference() + "): " + why;
    return permanent ? ApplicationFailure.newNonRetryableFailure(message, "SecretUnavailable")
        : ApplicationFailure.newFailure(message, "SecretUnavailable");
  }
}
