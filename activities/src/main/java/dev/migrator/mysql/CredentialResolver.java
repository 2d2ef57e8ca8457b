package dev.migrator.mysql;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves credential references inside activities, so that passwords never travel through
 * workflow inputs or history: "env:NAME" (environment variable of the worker), "file:/path" (first
 * line of a file, e.g. a mounted Kubernetes secret), "secret:NAME" (AWS Secrets Manager, when a
 * lookup is configured). Error messages name the reference, never the value.
 */
public class CredentialResolver {
  private final Map<String, String> env;
  private final Function<String, String> secretLookup;

  public CredentialResolver() {
    this(System.getenv(), null);
  }

  public CredentialResolver(Map<String, String> env, Function<String, String> secretLookup) {
    this.env = env;
    this.secretLookup = secretLookup;
  }

  /** Returns the secret, or null for an empty reference (no password). */
  public String resolve(String ref, String what) {
    if (ref == null || ref.isEmpty()) return null;
    if (ref.startsWith("env:")) {
      String name = ref.substring(4);
      String v = env.get(name);
      if (v == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            what + ": environment variable " + name + " is not set on the worker; export it where the worker runs",
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
            what + ": cannot read password file " + p + " on the worker (" + e.getClass().getSimpleName()
                + "); check the path and that the worker may read it", "InvalidRequest");
      }
    }
    if (ref.startsWith("secret:")) {
      if (secretLookup == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            what + ": AWS Secrets Manager is not configured on this worker (set AWS_REGION and credentials)",
            "InvalidRequest");
      }
      return secretLookup.apply(ref.substring(7));
    }
    throw ApplicationFailure.newNonRetryableFailure(
        what + " must be a reference such as env:NAME, file:/path or secret:NAME", "InvalidRequest");
  }
}
