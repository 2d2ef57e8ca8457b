package dev.migrator.mysql;

import dev.migrator.secrets.AwsSecretsManagerSource;
import dev.migrator.secrets.SecretRef;
import dev.migrator.secrets.SecretSource;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves credential references inside activities, so that passwords never travel through
 * workflow inputs or history: "env:NAME" (environment variable of the worker), "file:/path" (first
 * line of a file, e.g. a mounted Kubernetes secret), "secret:NAME", "secret:ARN" and
 * "secret:NAME#jsonKey" (AWS Secrets Manager, see {@link AwsSecretsManagerSource}). Error messages
 * name the reference, never the value.
 */
public class CredentialResolver {
  private final Map<String, String> env;
  private final SecretSource secrets;
  /** Where references are resolved, for the messages: "on the worker", or "in this shell" for the CLI. */
  private final String where;
  /** How to fix a variable that is not set there. */
  private final String exportHint;

  /**
   * The worker's environment, and AWS Secrets Manager with the SDK's default region and credentials
   * (nothing touches AWS until a {@code secret:} reference is resolved).
   */
  public CredentialResolver() {
    this(System.getenv(), AwsSecretsManagerSource.fromEnvironment(System.getenv()));
  }

  /** {@code secrets} null: {@code secret:} references are refused (no Secrets Manager in this process). */
  public CredentialResolver(Map<String, String> env, SecretSource secrets) {
    this(env, secrets, "on the worker", "export it where the worker runs");
  }

  private CredentialResolver(Map<String, String> env, SecretSource secrets, String where, String exportHint) {
    this.env = env;
    this.secrets = secrets;
    this.where = where;
    this.exportHint = exportHint;
  }

  /**
   * The same references resolved in the CLI's own process ({@code migrator preflight}): the
   * messages say "in this shell", not "on the worker".
   */
  public CredentialResolver inThisShell() {
    return new CredentialResolver(env, secrets, "in this shell",
        "export it in this shell to check from here (a migration resolves it on the worker, where the worker runs)");
  }

  public static boolean isSecretReference(String ref) {
    return ref != null && ref.startsWith(SecretRef.PREFIX);
  }

  /** Returns the secret, or null for an empty reference (no password). */
  public String resolve(String ref, String what) {
    if (ref == null || ref.isEmpty()) return null;
    if (ref.startsWith("env:")) {
      String name = ref.substring(4);
      String v = env.get(name);
      if (v == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            what + ": environment variable " + name + " is not set " + where + "; " + exportHint,
            "InvalidRequest");
      }
      return v;
    }
    if (ref.startsWith("file:")) {
      Path p = Path.of(ref.substring(5));
      try {
        String s = Files.readString(p, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return nl >= 0 ? s.substring(0, nl).replace("\r", "") : s;
      } catch (IOException e) {
        throw ApplicationFailure.newNonRetryableFailure(
            what + ": cannot read password file " + p + " " + where + " (" + e.getClass().getSimpleName()
                + "); check the path and that " + (where.equals("on the worker") ? "the worker" : "you") + " may read it",
            "InvalidRequest");
      }
    }
    if (isSecretReference(ref)) {
      SecretRef s = secretRef(ref, what);
      if (secrets == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            what + " (" + ref + "): secret: references cannot be resolved here: this process has no AWS Secrets"
                + " Manager lookup wired", "InvalidRequest");
      }
      return secrets.get(s, what);
    }
    throw ApplicationFailure.newNonRetryableFailure(
        what + " must be a reference such as env:NAME, file:/path or secret:NAME", "InvalidRequest");
  }

  /**
   * Forgets the cached value of a {@code secret:} reference, so the next {@link #resolve} reads it
   * again. Returns whether the reference is one whose value may have changed since (a secret);
   * env: and file: are read on every use anyway.
   */
  public boolean invalidate(String ref) {
    if (!isSecretReference(ref) || secrets == null) return false;
    try {
      secrets.invalidate(SecretRef.parse(ref.substring(SecretRef.PREFIX.length())));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static SecretRef secretRef(String ref, String what) {
    try {
      return SecretRef.parse(ref.substring(SecretRef.PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(what + " (" + ref + "): " + e.getMessage()
          + "; write secret:NAME, secret:ARN or secret:NAME#jsonKey", "InvalidRequest");
    }
  }
}
