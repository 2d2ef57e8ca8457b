package dev.migrator.accounts;

/**
 * The accounts (or their hashes, or their grants) could not be read with the migration account's
 * privileges. The message says exactly what could not be read and what to grant; never a hash.
 */
public final class AccountsUnreadable extends RuntimeException {
  public AccountsUnreadable(String message) {
    super(message);
  }
}
