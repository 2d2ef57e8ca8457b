package dev.migrator.accounts;

import dev.migrator.accounts.GrantSet.Atom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What differs between the account the target should have ({@code desired}, mapped from the
 * source) and the one it has ({@code actual}), by name only: "password", "locked", "grants +SELECT
 * ON `shop`.*", ... An empty list means equal. Grants on objects the target does not have yet
 * ({@code present} false) are left out of the comparison.
 */
public final class AccountDiffer {
  private AccountDiffer() {}

  public static List<String> differences(Account desired, Account actual, Predicate<GrantSet.Scope> present,
      ServerProfile target) {
    List<String> d = new ArrayList<>();
    if (!desired.role || !desired.auth.isEmpty()) {
      if (!desired.plugins().equals(actual.plugins())) {
        d.add("authentication plugin");
      } else if (!desired.sameAuth(actual)) {
        d.add("password");
      }
    }
    if (desired.locked != actual.locked) d.add(desired.locked ? "locked" : "unlocked");
    if (desired.passwordExpired != actual.passwordExpired) d.add(desired.passwordExpired ? "password expired" : "password no longer expired");
    if (!desired.samePasswordPolicy(actual)) d.add("password expiry or policy");
    if (!desired.sameLimits(actual)) d.add("resource limits");
    if (!desired.sameTls(actual)) d.add("TLS requirement");
    if (!Objects.equals(desired.metadataJson, actual.metadataJson)) d.add("attributes/comment");
    Set<Atom> want = new TreeSet<>();
    for (Atom a : desired.grants.atoms) if (present.test(a.scope())) want.addAll(expand(norm(a), target));
    Set<Atom> have = new TreeSet<>();
    for (Atom a : actual.grants.atoms) have.addAll(expand(norm(a), target));
    for (Atom a : want) if (!have.contains(a)) d.add("grant +" + a.display());
    for (Atom a : have) if (!want.contains(a)) d.add("grant -" + a.display());
    if (!desired.grants.proxies.equals(actual.grants.proxies)) d.add("proxy grants");
    if (!desired.grants.roles.equals(actual.grants.roles)) {
      for (GrantSet.RoleGrant r : desired.grants.roles) if (!actual.grants.roles.contains(r)) d.add("role +" + r.role().display());
      for (GrantSet.RoleGrant r : actual.grants.roles) if (!desired.grants.roles.contains(r)) d.add("role -" + r.role().display());
    }
    if (!new TreeSet<>(desired.grants.defaultRoles).equals(new TreeSet<>(actual.grants.defaultRoles))) d.add("default roles");
    Set<Atom> wr = new TreeSet<>();
    for (Atom a : desired.grants.revokes) wr.add(norm(a));
    Set<Atom> hr = new TreeSet<>();
    for (Atom a : actual.grants.revokes) hr.add(norm(a));
    if (!wr.equals(hr)) d.add("partial revokes");
    return d;
  }

  /** ALL PRIVILEGES as the privileges it stands for on the target (the server prints either form). */
  private static List<Atom> expand(Atom a, ServerProfile target) {
    if (!a.key().equals("ALL PRIVILEGES") || target == null) return List.of(a);
    List<Atom> out = new ArrayList<>();
    List<String> keys = a.scope().kind() == GrantSet.Kind.GLOBAL ? target.allPrivilegeKeys()
        : GrantSet.levelKeys(a.scope().kind());
    for (String k : keys) if (target.has(k)) out.add(new Atom(k, a.scope(), a.column(), a.grantable()));
    return out;
  }

  /** Compares privileges by key (spelling) and column names case-insensitively. */
  private static Atom norm(Atom a) {
    return new Atom(a.key(), a.scope(), a.column() == null ? null : a.column().toLowerCase(java.util.Locale.ROOT),
        a.grantable());
  }
}
