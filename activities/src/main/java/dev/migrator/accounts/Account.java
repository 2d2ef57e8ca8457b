package dev.migrator.accounts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One account as read from a server, held only inside an activity: it carries the stored password
 * hash ({@link AuthMethod#authString}), which never leaves the activity. {@link #toString()} names
 * the account only. Fields that the engine does not have stay at their defaults.
 */
public final class Account {
  /**
   * One way to authenticate: the plugin and what the server stores for it (for
   * caching_sha2_password binary bytes, hence bytes; for mysql_native_password "*HEX" as bytes).
   */
  public record AuthMethod(String plugin, byte[] authString) {
    public AuthMethod {
      plugin = plugin == null ? "" : plugin;
      authString = authString == null ? new byte[0] : authString;
    }

    public boolean same(AuthMethod o) {
      return plugin.equalsIgnoreCase(o.plugin) && Arrays.equals(authString, o.authString);
    }

    /** The stored string as a hex literal (0x...), or '' when empty: safe for any bytes. */
    public String hexLiteral() {
      return authString.length == 0 ? "''" : "0x" + HexFormat.of().withUpperCase().formatHex(authString);
    }

    public boolean printable() {
      for (byte b : authString) if (b < 0x20 || b > 0x7e) return false;
      return true;
    }

    @Override
    public String toString() {
      return plugin; // never the hash
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof AuthMethod m && same(m);
    }

    @Override
    public int hashCode() {
      return plugin.hashCode();
    }
  }

  public AccountName name;
  /** A role (MariaDB CREATE ROLE; MySQL: granted to others as a role, or created by CREATE ROLE). */
  public boolean role;
  /** Authentication methods, first one first (MariaDB may have several: IDENTIFIED VIA a OR b). */
  public List<AuthMethod> auth = new ArrayList<>();
  /** False when the hash could not be read (no SELECT on the grant tables). */
  public boolean authReadable = true;

  public boolean locked;
  public boolean passwordExpired;
  /** null: the server's default; 0: never; N days. */
  public Integer passwordLifetime;

  public long maxQueries;
  public long maxUpdates;
  public long maxConnections;
  public long maxUserConnections;
  /** MariaDB MAX_STATEMENT_TIME in seconds (as printed, e.g. "2.500000"); null/0: none. */
  public String maxStatementTime;

  /** "" (none), ANY (REQUIRE SSL), X509, SPECIFIED (cipher, issuer, subject). */
  public String sslType = "";
  public String sslCipher = "";
  public String x509Issuer = "";
  public String x509Subject = "";

  // MySQL 8.0+ password policies (null: DEFAULT).
  public Integer passwordHistory;
  public Integer passwordReuseDays;
  /** null: DEFAULT, true: REQUIRE CURRENT, false: REQUIRE CURRENT OPTIONAL. */
  public Boolean passwordRequireCurrent;
  public int failedLoginAttempts;
  /** Days; -1: UNBOUNDED. */
  public int passwordLockDays;
  /** MySQL dual password (RETAIN CURRENT PASSWORD): the secondary one is not copied. */
  public boolean hasSecondaryPassword;
  /** MySQL ATTRIBUTE/COMMENT metadata as JSON text ({"comment": ...}), or null. */
  public String metadataJson;

  public GrantSet grants = new GrantSet();

  public Account(AccountName name) {
    this.name = name;
  }

  public AuthMethod primaryAuth() {
    return auth.isEmpty() ? new AuthMethod("", null) : auth.get(0);
  }

  public List<String> plugins() {
    List<String> out = new ArrayList<>();
    for (AuthMethod m : auth) out.add(m.plugin());
    return out;
  }

  public boolean sameAuth(Account o) {
    if (auth.size() != o.auth.size()) return false;
    for (int i = 0; i < auth.size(); i++) if (!auth.get(i).same(o.auth.get(i))) return false;
    return true;
  }

  public boolean sameLimits(Account o) {
    return maxQueries == o.maxQueries && maxUpdates == o.maxUpdates && maxConnections == o.maxConnections
        && maxUserConnections == o.maxUserConnections && statementTime(maxStatementTime) == statementTime(o.maxStatementTime);
  }

  public boolean sameTls(Account o) {
    return norm(sslType).equals(norm(o.sslType)) && norm(sslCipher).equals(norm(o.sslCipher))
        && norm(x509Issuer).equals(norm(o.x509Issuer)) && norm(x509Subject).equals(norm(o.x509Subject));
  }

  public boolean samePasswordPolicy(Account o) {
    return Objects.equals(passwordLifetime, o.passwordLifetime) && Objects.equals(passwordHistory, o.passwordHistory)
        && Objects.equals(passwordReuseDays, o.passwordReuseDays)
        && Objects.equals(passwordRequireCurrent, o.passwordRequireCurrent)
        && failedLoginAttempts == o.failedLoginAttempts && passwordLockDays == o.passwordLockDays;
  }

  static double statementTime(String s) {
    if (s == null || s.isBlank()) return 0;
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String norm(String s) {
    return s == null ? "" : s;
  }

  @Override
  public String toString() {
    return (role ? "role " : "account ") + name.display();
  }
}
