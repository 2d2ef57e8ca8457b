package dev.migrator.accounts;

import dev.migrator.accounts.GrantSet.Atom;
import dev.migrator.accounts.GrantSet.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an account read from the source into what the target will be given: names (MariaDB roles
 * have no host, MySQL roles are 'r'@'%'), privilege spellings and renames between engines and
 * versions, and what the target refuses, each with its reason:
 *
 * <ul>
 *   <li>a privilege the target does not have (SHOW PRIVILEGES), e.g. MariaDB's READ_ONLY ADMIN on
 *       MySQL, MySQL's CREATE ROLE on MariaDB, SET_USER_ID on MySQL 8.4+/9.x;
 *   <li>on RDS/Aurora (whatever the migration account holds): any privilege on the {@code mysql}
 *       system schema; and the privileges RDS keeps for {@code rdsadmin} ({@link #RDS_RESERVED}), which
 *       the master user does not hold WITH GRANT OPTION;
 *   <li>on every target: a privilege the target's migration account does not hold WITH GRANT OPTION
 *       at that scope (the server would refuse the GRANT with ERROR 1045/1410), a PROXY grant it
 *       may not give (it needs {@code PROXY ON ''@''} WITH GRANT OPTION), a role that is neither
 *       migrated nor on the target.
 * </ul>
 *
 * An account whose authentication plugin the target lacks (mysql_native_password on MySQL 9.x,
 * caching_sha2_password on MariaDB, ed25519 or unix_socket on MySQL), whose hash could not be read,
 * or whose partial revokes the target cannot hold is refused with the operator's choices.
 */
public final class GrantMapper {
  /**
   * Privileges RDS for MySQL 8.0.36+/8.4 and Aurora MySQL 3 keep for rdsadmin: SUPER, FILE,
   * SHUTDOWN, CREATE TABLESPACE and the dynamic privileges AWS documents as disallowed.
   */
  public static final Set<String> RDS_RESERVED = Set.of(
      "SUPER", "FILE", "SHUTDOWN", "CREATE TABLESPACE", "SYSTEM USER", "SYSTEM VARIABLES ADMIN",
      "SESSION VARIABLES ADMIN", "REPLICATION SLAVE ADMIN", "REPLICATION APPLIER", "BINLOG ADMIN",
      "BINLOG ENCRYPTION ADMIN", "BACKUP ADMIN", "CLONE ADMIN", "ENCRYPTION KEY ADMIN", "AUDIT ADMIN",
      "AUDIT ABORT EXEMPT", "AUTHENTICATION POLICY ADMIN", "FIREWALL ADMIN", "FIREWALL EXEMPT", "FIREWALL USER",
      "GROUP REPLICATION ADMIN", "GROUP REPLICATION STREAM", "INNODB REDO LOG ARCHIVE", "INNODB REDO LOG ENABLE",
      "PERSIST RO VARIABLES ADMIN", "RESOURCE GROUP ADMIN", "RESOURCE GROUP USER", "SERVICE CONNECTION ADMIN",
      "TABLE ENCRYPTION ADMIN", "PASSWORDLESS USER ADMIN", "SET ANY DEFINER", "ALLOW NONEXISTENT DEFINER",
      "SENSITIVE VARIABLES OBSERVER", "TELEMETRY LOG ADMIN", "TRANSACTION GTID TAG", "OPTIMIZE LOCAL TABLE",
      "MASKING DICTIONARIES ADMIN", "NDB STORED USER", "SKIP QUERY REWRITE", "VERSION TOKEN ADMIN",
      "TP CONNECTION ADMIN", "MANAGE DATA MASKING POLICY");

  /**
   * Privileges one side spells or splits differently: source key -> target keys, used only when
   * the target lacks the source's privilege and has every one of the replacements.
   */
  static final Map<String, List<String>> RENAMES = Map.of(
      "BINLOG MONITOR", List.of("REPLICATION CLIENT"),
      "SLAVE MONITOR", List.of("REPLICATION CLIENT"),
      "REPLICA MONITOR", List.of("REPLICATION CLIENT"),
      "SET USER", List.of("SET ANY DEFINER", "ALLOW NONEXISTENT DEFINER"),
      "SET USER ID", List.of("SET ANY DEFINER", "ALLOW NONEXISTENT DEFINER"),
      "SET ANY DEFINER", List.of("SET USER"));
  /** Fallbacks when the first rename is not available either (MariaDB SET USER -> MySQL 8.0 SET_USER_ID). */
  static final Map<String, List<String>> RENAMES_2 = Map.of(
      "SET USER", List.of("SET USER ID"),
      "SET ANY DEFINER", List.of("SET USER ID"),
      "SET USER ID", List.of("SET USER"));

  /** What one source account becomes on the target. */
  public static final class Mapped {
    public final Account desired;
    public final List<String> stripped = new ArrayList<>();
    public final List<String> mapped = new ArrayList<>();
    /** Set when the target cannot take the account at all: why, and the choices. */
    public String refusal;

    Mapped(Account desired) {
      this.desired = desired;
    }
  }

  private final ServerProfile source;
  private final ServerProfile target;
  private final Set<AccountName> sourceRoles;
  private Set<AccountName> targetRoles = Set.of();

  public GrantMapper(ServerProfile source, ServerProfile target, Set<AccountName> sourceRoles) {
    this.source = source;
    this.target = target;
    this.sourceRoles = sourceRoles;
  }

  /** Roles (target names) that exist on the target or will be created by this step. */
  public GrantMapper targetRoles(Set<AccountName> roles) {
    this.targetRoles = roles;
    return this;
  }

  /** The name an account or role has on the target. */
  public AccountName targetName(AccountName n) {
    boolean role = sourceRoles.contains(n);
    if (!role) return n;
    if (source.mariadb() && !target.mariadb() && n.hostless()) return new AccountName(n.user(), "%");
    if (!source.mariadb() && target.mariadb()) return new AccountName(n.user(), "");
    return n;
  }

  public Mapped map(Account a) {
    Account d = new Account(targetName(a.name));
    Mapped m = new Mapped(d);
    d.role = a.role;
    d.authReadable = a.authReadable;
    d.locked = a.locked;
    d.passwordExpired = a.passwordExpired;
    d.passwordLifetime = a.passwordLifetime;
    d.maxQueries = a.maxQueries;
    d.maxUpdates = a.maxUpdates;
    d.maxConnections = a.maxConnections;
    d.maxUserConnections = a.maxUserConnections;
    d.sslType = a.sslType;
    d.sslCipher = a.sslCipher;
    d.x509Issuer = a.x509Issuer;
    d.x509Subject = a.x509Subject;
    if (target.mariadb()) {
      d.maxStatementTime = a.maxStatementTime;
      if (a.passwordHistory != null || a.passwordReuseDays != null || a.passwordRequireCurrent != null
          || a.failedLoginAttempts != 0 || a.metadataJson != null) {
        m.mapped.add("password history/reuse/require-current, failed-login tracking and ATTRIBUTE/COMMENT: MariaDB"
            + " has none of them (left out)");
      }
    } else {
      d.passwordHistory = a.passwordHistory;
      d.passwordReuseDays = a.passwordReuseDays;
      d.passwordRequireCurrent = a.passwordRequireCurrent;
      d.failedLoginAttempts = a.failedLoginAttempts;
      d.passwordLockDays = a.passwordLockDays;
      d.metadataJson = a.metadataJson;
      if (a.maxStatementTime != null) m.mapped.add("MAX_STATEMENT_TIME: MySQL has no per-account statement limit (left out)");
    }
    if (a.hasSecondaryPassword) {
      m.mapped.add("secondary password (RETAIN CURRENT PASSWORD): not copied, only the primary one");
    }
    auth(a, d, m);
    grants(a, d, m);
    return m;
  }

  private void auth(Account a, Account d, Mapped m) {
    if (d.role && target.mariadb()) return; // MariaDB roles have no authentication
    if (a.role && a.auth.isEmpty() && !target.mariadb()) {
      d.auth.add(new Account.AuthMethod("caching_sha2_password", null)); // as CREATE ROLE makes it
      d.locked = true;
      d.passwordExpired = true;
      return;
    }
    if (!a.authReadable) {
      m.refusal = "its password hash could not be read on the source (see the accounts-unreadable finding)";
      return;
    }
    for (Account.AuthMethod am : a.auth) {
      if (!target.authPlugins.contains(am.plugin())) {
        m.refusal = "its authentication plugin " + am.plugin() + " is not available on the target ("
            + target.describe() + (am.plugin().equals("mysql_native_password") && !target.mariadb()
                ? ": MySQL 8.4 disables it and 9.x removed it" : "")
            + "): its stored hash cannot be used there. Choices: leave it out (accounts.exclude) and create it on"
            + " the target with a new password out of band (then accounts.existing: keep-target keeps it), or change"
            + " its password on the source to a plugin the target has (" + String.join(", ", target.authPlugins) + ")"
            + " before the migration";
        return;
      }
      d.auth.add(am);
    }
  }

  private void grants(Account a, Account d, Mapped m) {
    GrantSet g = a.grants;
    GrantSet out = d.grants;
    for (Atom atom : g.atoms) {
      if (atom.key().equals("USAGE")) {
        if (atom.grantable()) out.atoms.add(atom);
        continue;
      }
      if (atom.key().equals("ALL PRIVILEGES") && atom.scope().kind() == GrantSet.Kind.GLOBAL) {
        for (String k : source.allPrivilegeKeys()) one(new Atom(source.spelling(k), atom.scope(), null, atom.grantable()), out, m, d);
        continue;
      }
      if (atom.key().equals("ALL PRIVILEGES")) {
        if (target.canGrant("ALL PRIVILEGES", atom.scope()) && !(target.kind.rdsFamily() && atom.scope().systemSchema())) {
          out.atoms.add(atom.withPrivilege("ALL PRIVILEGES"));
        } else { // each one, so that what the target refuses is named
          for (String k : GrantSet.levelKeys(atom.scope().kind())) {
            if (target.has(k)) one(new Atom(target.spelling(k), atom.scope(), atom.column(), atom.grantable()), out, m, d);
          }
        }
        continue;
      }
      one(atom, out, m, d);
    }
    for (GrantSet.Proxy p : g.proxies) {
      AccountName proxied = targetName(p.proxied());
      if (!target.canGrantProxy(proxied)) {
        m.stripped.add("PROXY ON " + proxied.display() + ": the target's migration account " + target.currentUser.display()
            + " may not grant proxy privileges (it needs GRANT PROXY ON ''@'' WITH GRANT OPTION"
            + (target.kind.rdsFamily() ? ", which RDS/Aurora do not give" : "") + ")");
        continue;
      }
      out.proxies.add(new GrantSet.Proxy(proxied, p.grantable()));
    }
    for (GrantSet.RoleGrant r : g.roles) {
      AccountName role = targetName(r.role());
      if (!targetRoles.contains(role)) {
        m.stripped.add("role " + role.display() + ": it is not migrated (excluded) and does not exist on the target");
        continue;
      }
      out.roles.add(new GrantSet.RoleGrant(role, r.admin()));
    }
    for (AccountName r : g.defaultRoles) {
      AccountName role = targetName(r);
      if (out.roles.stream().anyMatch(x -> x.role().equals(role))) out.defaultRoles.add(role);
    }
    if (!g.revokes.isEmpty()) {
      if (target.mariadb() || !target.partialRevokes) {
        m.refusal = "it has partial revokes (REVOKE ... ON a schema while granted on *.*), which the target cannot hold ("
            + (target.mariadb() ? "MariaDB has none" : "partial_revokes=OFF") + "): without them it would get more"
            + " privileges than on the source. Set partial_revokes=ON on the target, or exclude the account";
      } else {
        for (Atom r : g.revokes) out.revokes.add(r.withPrivilege(target.spelling(r.key())));
      }
    }
  }

  private void one(Atom atom, GrantSet out, Mapped m, Account d) {
    List<String> keys = List.of(atom.key());
    if (!target.has(atom.key())) {
      List<String> to = RENAMES.get(atom.key());
      if (to == null || !to.stream().allMatch(target::has)) to = RENAMES_2.get(atom.key());
      if (to != null && to.stream().allMatch(target::has)) {
        keys = to;
        List<String> spelled = new ArrayList<>();
        for (String k : to) spelled.add(target.spelling(k));
        m.mapped.add(atom.privilege() + " ON " + atom.scope().sql() + " -> " + String.join(", ", spelled));
      } else {
        m.stripped.add(atom.display() + ": the target (" + target.describe() + ") has no such privilege"
            + hint(atom.key()));
        return;
      }
    }
    for (String k : keys) {
      Atom t = new Atom(target.spelling(k), atom.scope(), atom.column(), atom.grantable());
      if (target.kind.rdsFamily() && atom.scope().systemSchema()) {
        m.stripped.add(t.display() + ": the mysql system schema is RDS's (rdsadmin) on RDS/Aurora: 8.0.36+ refuse"
            + " changes to it, and access to it exposes password hashes");
        continue;
      }
      if (!target.canGrant(k, atom.scope())) {
        m.stripped.add(t.display() + ": " + (target.kind.rdsFamily() && RDS_RESERVED.contains(k)
            ? "RDS/Aurora keep it for rdsadmin: the master user " + target.currentUser.display() + " cannot grant it"
            : "the target's migration account " + target.currentUser.display() + " does not hold it WITH GRANT OPTION"));
        continue;
      }
      out.atoms.add(t);
    }
  }

  private static String hint(String key) {
    return switch (key) {
      case "READ ONLY ADMIN" -> " (MySQL lets CONNECTION_ADMIN or SUPER write through read_only; grant one by hand if"
          + " that was meant)";
      case "CREATE ROLE", "DROP ROLE" -> " (MariaDB creates roles with CREATE USER)";
      default -> "";
    };
  }
}
