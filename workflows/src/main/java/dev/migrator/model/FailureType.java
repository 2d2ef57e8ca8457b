package dev.migrator.model;

import io.temporal.failure.ApplicationFailure;
import java.util.Arrays;

/**
 * The types of the failures activities and workflows raise (ApplicationFailure.type), with whether
 * the activity's retry policy retries them. One list, so what an activity throws and what the
 * workflow matches on cannot drift apart.
 */
public enum FailureType {
  /** Bad input: nothing changed; fix the request. */
  INVALID_REQUEST("InvalidRequest", false),
  /** A privilege or a password: retrying does not help until someone fixes it. */
  ACCESS_DENIED("AccessDenied", false),
  NOT_FOUND("NotFound", false),
  /** A server that cannot do what the step needs (binlog off, engine missing, read-only). */
  INCOMPATIBLE("Incompatible", false),
  /** Any other SQL error: retried. */
  SQL("Sql", true),
  TLS("Tls", false),
  PREFLIGHT_BLOCKED("PreflightBlocked", false),
  /** Blocking findings that protect data: never skippable. */
  PREFLIGHT_BLOCKED_PROTECTED("PreflightBlockedProtected", false),
  VERIFY_FAILED("VerifyFailed", false),
  WINDOW_CLOSED("WindowClosed", false),
  /** The cutover's proof: the source's binlog moved after writes were stopped. */
  SOURCE_MOVED("SourceMoved", false),
  /** The target did not reach the final position in time: retried. */
  DRAIN_TIMEOUT("DrainTimeout", true),
  REPLICATION_ERROR("ReplicationError", false),
  /** A target schema that is not this migration's (see SchemaOwnership). */
  TARGET_SCHEMA_NOT_OWNED("TargetSchemaNotOwned", false),
  STAGED_CHUNK_MISSING("StagedChunkMissing", false),
  STAGED_CHUNK_CORRUPT("StagedChunkCorrupt", false),
  ACCOUNTS_REFUSED("AccountsRefused", false),
  ACCOUNTS_UNREADABLE("AccountsUnreadable", false),
  INTERRUPTED("Interrupted", true),
  /** The workflow's own failure after a rollback. */
  MIGRATION_FAILED("MigrationFailed", false);

  private final String type;
  private final boolean retryable;

  FailureType(String type, boolean retryable) {
    this.type = type;
    this.retryable = retryable;
  }

  /** The ApplicationFailure type string. */
  public String type() {
    return type;
  }

  public boolean retryable() {
    return retryable;
  }

  /** A failure of this type, non-retryable unless the type is retryable. */
  public ApplicationFailure failure(String message) {
    return retryable ? ApplicationFailure.newFailure(message, type)
        : ApplicationFailure.newNonRetryableFailure(message, type);
  }

  public boolean is(String failureType) {
    return type.equals(failureType);
  }

  /** The type named by an ApplicationFailure, or null for one not in this list. */
  public static FailureType of(String failureType) {
    for (FailureType f : values()) if (f.type.equals(failureType)) return f;
    return null;
  }

  /** The types the retry policy never retries (RetryOptions.setDoNotRetry). */
  public static String[] nonRetryable() {
    return Arrays.stream(values()).filter(f -> !f.retryable).map(FailureType::type).toArray(String[]::new);
  }

  @Override
  public String toString() {
    return type;
  }
}
