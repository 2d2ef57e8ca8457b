package dev.migrator.accounts;

import java.util.Comparator;

/**
 * An account or role name. MariaDB roles have no host ({@code host} is ""), MySQL roles are
 * accounts ({@code 'r'@'%'}). Compared exactly: MySQL stores user and host case-sensitively
 * (host names are lower-cased by the server when stored).
 */
public record AccountName(String user, String host) implements Comparable<AccountName> {
  public static final Comparator<AccountName> ORDER =
      Comparator.comparing(AccountName::user).thenComparing(AccountName::host);

  public AccountName {
    user = user == null ? "" : user;
    host = host == null ? "" : host;
  }

  /** A MariaDB role (no host). */
  public boolean hostless() {
    return host.isEmpty();
  }

  /** 'user'@'host' as statements take it ('role' for a MariaDB role). */
  public String sql() {
    return hostless() ? quote(user) : quote(user) + "@" + quote(host);
  }

  /** How results and messages name it: 'user'@'host'. */
  public String display() {
    return sql();
  }

  static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  @Override
  public int compareTo(AccountName o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return display();
  }
}
