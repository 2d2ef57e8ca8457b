package dev.migrator.copy;

import java.io.IOException;

/**
 * A stage problem that retrying will not fix: the location is unusable as configured (its message
 * says what is wrong and how to fix it), or a staged file does not match its manifest.
 */
public final class StageException extends IOException {
  /** What went wrong. */
  public enum Kind {
    /** The location cannot be used (malformed, not a directory, not writable, access denied, no bucket). */
    UNUSABLE,
    /** A staged file is not what its manifest says (changed, truncated, or another chunk's). */
    CORRUPT
  }

  private final Kind kind;

  public StageException(Kind kind, String message) {
    this(kind, message, null);
  }

  public StageException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
