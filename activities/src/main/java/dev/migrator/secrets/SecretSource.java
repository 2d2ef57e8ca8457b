package dev.migrator.secrets;

/**
 * Where {@code secret:} references are looked up. Implementations name the reference in every
 * error and never the value.
 */
public interface SecretSource {
  /**
   * The secret's value (the whole string, or the JSON key the reference names).
   *
   * @param what the setting being resolved, for error messages (e.g. "source.password")
   */
  String get(SecretRef ref, String what);

  /**
   * Forgets any cached value of this secret so the next {@link #get} reads it again (after the
   * value was refused, e.g. MySQL ERROR 1045 right after a rotation).
   */
  default void invalidate(SecretRef ref) {}
}
