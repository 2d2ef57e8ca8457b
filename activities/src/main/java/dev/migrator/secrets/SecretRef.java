package dev.migrator.secrets;

import java.util.Optional;

/**
 * A {@code secret:} credential reference: a Secrets Manager secret (its name, e.g.
 * {@code prod/db}, or its full ARN) and optionally one key of the JSON object it holds
 * ({@code secret:prod/db#password}). Secret names cannot contain '#', so the last '#' starts the key.
 */
public record SecretRef(String secretId, String jsonKey) {
  public static final String PREFIX = "secret:";

  /** Parses what follows {@code secret:}. */
  public static SecretRef parse(String body) {
    if (body == null || body.isBlank()) throw new IllegalArgumentException("empty secret reference");
    int hash = body.lastIndexOf('#');
    if (hash < 0) return new SecretRef(body, null);
    String id = body.substring(0, hash);
    String key = body.substring(hash + 1);
    if (id.isBlank() || key.isBlank()) throw new IllegalArgumentException("secret reference needs a name before and a key after '#'");
    return new SecretRef(id, key);
  }

  /** The reference as written in a request (names the secret, never holds its value). */
  public String reference() {
    return PREFIX + secretId + (jsonKey == null ? "" : "#" + jsonKey);
  }

  /** The region of an ARN ({@code arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME}); empty for a name. */
  public Optional<String> arnRegion() {
    if (!secretId.startsWith("arn:")) return Optional.empty();
    String[] parts = secretId.split(":", 6);
    return parts.length >= 6 && !parts[3].isBlank() ? Optional.of(parts[3]) : Optional.empty();
  }

  @Override
  public String toString() {
    return reference();
  }
}
