package dev.migrator.accounts;

import dev.migrator.model.AccountsOptions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which accounts are in scope: the request's include/exclude patterns ({@code user@host}, '*' and
 * '?' wildcards, '%' and '_' literal; no '@': every host), less the accounts that are never
 * migrated by default. {@link #excludedReason} says why one is out.
 */
public final class AccountScope {
  private static final Set<String> RDS_INTERNAL = Set.of("rdsadmin", "rdsrepladmin", "rdsproxyadmin", "rds_superuser_role");

  private final List<String> include;
  private final List<String> exclude;
  /** User names never migrated: the replication account and the migration's own accounts. */
  private final Set<String> reservedUsers;
  private final String replicationUser;
  private final boolean rdsFamily;

  public AccountScope(AccountsOptions o, String replicationUser, Set<String> migrationUsers, boolean rdsFamily) {
    this.include = o.include == null ? List.of() : o.include;
    this.exclude = o.exclude == null ? List.of() : o.exclude;
    this.replicationUser = replicationUser;
    this.reservedUsers = migrationUsers;
    this.rdsFamily = rdsFamily;
  }

  /** Null when the account is in scope; else why not ("system account", "excluded by accounts.exclude"). */
  public String excludedReason(AccountName n) {
    String u = n.user();
    if (reservedUsers.contains(u)) return "the migration's own account (never copied or changed)";
    if (u.toLowerCase(Locale.ROOT).startsWith("mysql.")) return "MySQL system account";
    if (RDS_INTERNAL.contains(u.toLowerCase(Locale.ROOT))) return "RDS/Aurora internal account";
    String byDefault = defaultExclusion(n);
    if (byDefault != null && !explicitlyIncluded(n)) return byDefault + " (excluded by default)";
    for (String p : exclude) if (matches(p, n)) return "excluded by accounts.exclude '" + p + "'";
    if (!include.isEmpty() && include.stream().noneMatch(p -> matches(p, n))) return "not in accounts.include";
    return null;
  }

  private String defaultExclusion(AccountName n) {
    String u = n.user();
    String lu = u.toLowerCase(Locale.ROOT);
    if (u.isEmpty()) return "anonymous account";
    if (lu.equals("mariadb.sys")) return "MariaDB system account";
    if (u.equals("PUBLIC") && n.hostless()) return "MariaDB's PUBLIC role";
    if (lu.matches("aws_[a-z0-9_]+_access")) return "Aurora's built-in role";
    if (replicationUser != null && u.equals(replicationUser)) return "the replication account";
    if (u.equals("root")) {
      String h = n.host().toLowerCase(Locale.ROOT);
      if (h.equals("localhost") || h.equals("127.0.0.1") || h.equals("::1")) return "the server's own root";
      if (rdsFamily) return "root on RDS/Aurora";
    }
    return null;
  }

  private boolean explicitlyIncluded(AccountName n) {
    for (String p : include) {
      if (p.contains("*") || p.contains("?")) continue;
      if (matches(p, n)) return true;
    }
    return false;
  }

  static boolean matches(String pattern, AccountName n) {
    int at = pattern.lastIndexOf('@');
    String up = at < 0 ? pattern : pattern.substring(0, at);
    String hp = at < 0 ? "*" : pattern.substring(at + 1);
    return glob(up).matcher(n.user()).matches() && glob(hp).matcher(n.host()).matches();
  }

  private static Pattern glob(String g) {
    StringBuilder re = new StringBuilder();
    for (char c : g.toCharArray()) {
      if (c == '*') re.append(".*");
      else if (c == '?') re.append('.');
      else re.append(Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
