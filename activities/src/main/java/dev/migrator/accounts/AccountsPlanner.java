package dev.migrator.accounts;

import dev.migrator.accounts.GrantSet.Atom;
import dev.migrator.accounts.GrantSet.Scope;
import dev.migrator.accounts.Statements.Stmt;
import dev.migrator.guard.SchemaOwnership.Owner;
import dev.migrator.model.AccountChange;
import dev.migrator.model.AccountsOptions;
import dev.migrator.model.AccountsResult;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The accounts step, engine-neutral: reads the accounts in scope on one side, maps them to what
 * the target takes, compares them with the target and its ownership records, and (when applying)
 * creates, parks, updates or drops them in dependency order: every account and role first (roles
 * before users), then privileges, proxy and role grants, then default roles; accounts gone from the
 * source last (users before roles). One planner serves plan and copy (read from the frozen copy)
 * and diff and sync (read from the live source): an account this migration created is brought to
 * the source's definition in place, which makes every call idempotent.
 */
public final class AccountsPlanner {
  /** What the planner works on: both connections and their profiles, the options, the owner. */
  public static final class Context {
    public Connection read;
    public ServerProfile readProfile;
    public Connection target;
    public ServerProfile targetProfile;
    public AccountsOptions options = new AccountsOptions();
    public String replicationUser;
    /** User names of the migration's own accounts (source and target endpoint users): never touched. */
    public Set<String> migrationUsers = new HashSet<>();
    public Owner owner;
  }

  private static final class Item {
    Account src;
    GrantMapper.Mapped m;
    AccountName name;
    Account actual;
    AccountOwnership.Row own;
    AccountChange change;
    List<String> diff = List.of();
    boolean park;
    boolean create;
    boolean alter;
    boolean alterAuth;
    boolean regrant;
    boolean drop;
    boolean done;
  }

  /** A query on the side accounts are read from failed (so the failure names that side, not the target). */
  public static final class ReadSideFailure extends RuntimeException {
    public final SQLException sql;

    ReadSideFailure(SQLException sql) {
      super(sql.getMessage());
      this.sql = sql;
    }
  }

  private final Context ctx;
  private final Map<String, Boolean> objects = new HashMap<>();

  public AccountsPlanner(Context ctx) {
    this.ctx = ctx;
  }

  /** plan / diff (apply false) or copy / sync (apply true). */
  public AccountsResult run(String operation, boolean apply) throws SQLException {
    AccountsResult result = new AccountsResult();
    result.operation = operation;
    boolean rds = ctx.readProfile.kind.rdsFamily() || ctx.targetProfile.kind.rdsFamily();
    AccountScope scope = new AccountScope(ctx.options, ctx.replicationUser, ctx.migrationUsers, rds);
    AccountReader srcReader = reader(ctx.readProfile);
    Map<AccountName, Boolean> srcList;
    try {
      srcList = srcReader.list(ctx.read);
    } catch (SQLException e) {
      throw new ReadSideFailure(e);
    }
    Set<AccountName> sourceRoles = new TreeSet<>();
    srcList.forEach((n, role) -> {
      if (role) sourceRoles.add(n);
    });
    List<Account> inScope = new ArrayList<>();
    for (Map.Entry<AccountName, Boolean> e : srcList.entrySet()) {
      String why = scope.excludedReason(e.getKey());
      if (why != null) {
        result.excluded.add(e.getKey().display() + ": " + why);
        continue;
      }
      Account a;
      try {
        a = srcReader.read(ctx.read, e.getKey(), e.getValue());
      } catch (SQLException ex) {
        throw new ReadSideFailure(ex);
      }
      if (a != null) inScope.add(a);
    }
    inScope.sort((x, y) -> x.role != y.role ? (x.role ? -1 : 1) : x.name.compareTo(y.name));

    AccountReader dstReader = reader(ctx.targetProfile);
    Map<AccountName, Boolean> dstList = dstReader.list(ctx.target);
    Map<AccountName, AccountOwnership.Row> owned = AccountOwnership.readAll(ctx.target);
    GrantMapper mapper = new GrantMapper(ctx.readProfile, ctx.targetProfile, sourceRoles);
    Set<AccountName> roles = new TreeSet<>();
    for (Account a : inScope) if (a.role) roles.add(mapper.targetName(a.name));
    dstList.forEach((n, role) -> {
      if (role) roles.add(n);
    });
    mapper.targetRoles(roles);
    Predicate<Scope> present = this::present;

    List<Item> items = new ArrayList<>();
    Set<AccountName> sourceNamesOnTarget = new HashSet<>();
    for (AccountName n : srcList.keySet()) sourceNamesOnTarget.add(mapper.targetName(n));
    for (Account a : inScope) items.add(plan(a, mapper, dstList, owned, dstReader, present));
    // This migration's accounts that are gone from the source: dropped (sync; a copy retry too).
    for (AccountOwnership.Row row : owned.values()) {
      if (!row.ownedBy(ctx.owner) || sourceNamesOnTarget.contains(row.name())) continue;
      Item it = new Item();
      it.name = row.name();
      it.own = row;
      it.drop = true;
      it.change = new AccountChange(row.name().display(), row.role(), AccountChange.DROP);
      it.change.details.add("dropped on the source");
      items.add(it);
    }

    List<Item> refused = items.stream().filter(i -> AccountChange.REFUSED.equals(i.change.action)).toList();
    if (apply && operation.equals("copy") && !refused.isEmpty()) {
      List<String> lines = new ArrayList<>();
      for (Item i : refused) lines.add(i.change.account + ": " + i.change.reason);
      throw ApplicationFailure.newNonRetryableFailure("accounts: " + refused.size() + " account(s) cannot be copied"
          + " to the target, nothing was changed: " + String.join("; ", lines), "AccountsRefused");
    }
    if (apply) apply(items, result, present);
    for (Item i : items) result.changes.add(i.change);
    count(result);
    result.applied = apply;
    result.summary = summary(result);
    return result;
  }

  private Item plan(Account a, GrantMapper mapper, Map<AccountName, Boolean> dstList,
      Map<AccountName, AccountOwnership.Row> owned, AccountReader dstReader, Predicate<Scope> present) throws SQLException {
    Item it = new Item();
    it.src = a;
    it.m = mapper.map(a);
    it.name = it.m.desired.name;
    it.own = owned.get(it.name);
    AccountChange ch = new AccountChange(it.name.display(), a.role, null);
    it.change = ch;
    ch.stripped.addAll(it.m.stripped);
    ch.mapped.addAll(it.m.mapped);
    for (Atom at : it.m.desired.grants.atoms) if (!present.test(at.scope())) ch.deferred.add(at.display());
    boolean exists = dstList.containsKey(it.name);
    if (it.m.refusal != null) {
      return refuse(it, it.m.refusal);
    }
    if ("fail".equals(ctx.options.refusedGrants) && !it.m.stripped.isEmpty()) {
      return refuse(it, "the target refuses " + it.m.stripped.size() + " of its grants (accounts.refusedGrants: fail): "
          + String.join("; ", it.m.stripped));
    }
    if (it.own != null && !it.own.ownedBy(ctx.owner)) {
      return refuse(it, "the target records it as created by " + it.own.describeOwner() + ": never changed by another migration");
    }
    if (it.own != null) {
      if (it.own.replacing()) {
        boolean parkedExists = dstList.containsKey(it.own.parked());
        if (!parkedExists && exists) { // crashed before the rename: park it now
          it.actual = dstReader.read(ctx.target, it.name, a.role);
          it.park = true;
          it.create = true;
          ch.action = AccountChange.REPLACE;
          return it;
        }
        if (!exists) {
          it.create = true;
          ch.action = AccountChange.REPLACE;
          return it;
        }
      } else if (!exists) {
        it.create = true;
        ch.action = AccountChange.CREATE;
        return it;
      }
      // Ours already: bring it to the source's definition.
      it.actual = dstReader.read(ctx.target, it.name, a.role);
      it.diff = AccountDiffer.differences(it.m.desired, it.actual, present, ctx.targetProfile);
      if (it.diff.isEmpty()) {
        ch.action = AccountChange.UNCHANGED;
      } else {
        ch.action = AccountChange.UPDATE;
        ch.details.addAll(it.diff);
        markUpdate(it);
      }
      return it;
    }
    if (!exists) {
      it.create = true;
      ch.action = AccountChange.CREATE;
      return it;
    }
    it.actual = dstReader.read(ctx.target, it.name, a.role);
    it.diff = AccountDiffer.differences(it.m.desired, it.actual, present, ctx.targetProfile);
    if (it.diff.isEmpty()) {
      ch.action = AccountChange.UNCHANGED;
      ch.details.add("already on the target, identical (not this migration's: the rollback leaves it)");
      return it;
    }
    switch (ctx.options.existing == null ? "refuse" : ctx.options.existing) {
      case "keep-target" -> {
        ch.action = AccountChange.KEEP_TARGET;
        ch.details.addAll(it.diff);
        ch.reason = "it exists on the target with another definition and accounts.existing is keep-target";
      }
      case "replace" -> {
        if (a.role && ctx.targetProfile.mariadb()) {
          return refuse(it, "it exists on the target as a role with other grants, and a MariaDB role cannot be parked"
              + " (RENAME USER): use accounts.existing keep-target, or drop the role on the target first");
        }
        ch.action = AccountChange.REPLACE;
        ch.details.addAll(it.diff);
        it.park = true;
        it.create = true;
      }
      default -> {
        ch.details.addAll(it.diff);
        return refuse(it, "it already exists on the target with another definition (" + String.join(", ", labels(it.diff))
            + ") and this migration did not create it: it is left alone. Set accounts.existing to keep-target (leave"
            + " the target's) or replace (park the target's, create the source's; the rollback puts it back), or"
            + " exclude it");
      }
    }
    return it;
  }

  private static List<String> labels(List<String> diff) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (String d : diff) out.add(d.startsWith("grant ") ? "grants" : d.startsWith("role ") ? "roles" : d);
    return new ArrayList<>(out);
  }

  private static void markUpdate(Item it) {
    for (String d : it.diff) {
      if (d.equals("password") || d.equals("authentication plugin") || d.equals("password no longer expired")) {
        it.alterAuth = true;
        it.alter = true;
      } else if (d.startsWith("grant ") || d.startsWith("role ") || d.equals("proxy grants") || d.equals("partial revokes")
          || d.equals("default roles")) {
        it.regrant = true;
      } else {
        it.alter = true;
      }
    }
  }

  private static Item refuse(Item it, String reason) {
    it.change.action = AccountChange.REFUSED;
    it.change.reason = reason;
    return it;
  }

  private void apply(List<Item> items, AccountsResult result, Predicate<Scope> present) throws SQLException {
    List<Item> work = items.stream().filter(i -> i.park || i.create || i.alter || i.regrant || i.drop).toList();
    if (work.isEmpty()) return;
    AccountWriter w = AccountWriter.of(ctx.targetProfile);
    Connection c = ctx.target;
    try {
      if (!Statements.unlogged(c)) {
        result.notes.add(ctx.targetProfile.where() + ": account statements are binary-logged (the migration account may"
            + " not set sql_log_bin" + (ctx.targetProfile.kind.rdsFamily() ? " on RDS/Aurora" : "") + ")");
      }
      AccountOwnership.ensureTable(c);
      // 1. Accounts and roles (roles first: items are sorted so).
      for (Item i : work) {
        if (i.drop) continue;
        if (i.park) {
          AccountName parked = new AccountName(i.name.user(), AccountOwnership.parkedHost(ctx.owner, i.name));
          AccountOwnership.record(c, i.name, ctx.owner, "parking", i.src.role, parked.host(), i.actual.locked);
          Statements.run(c, w.rename(i.name, parked));
          Statements.run(c, w.lock(parked, true));
          AccountOwnership.record(c, i.name, ctx.owner, "replaced", i.src.role, parked.host(), i.actual.locked);
          i.change.details.add("the target's own parked as " + parked.display() + " (locked) until the migration completes");
        }
        if (i.create) {
          if (i.own == null && !i.park) AccountOwnership.record(c, i.name, ctx.owner, "claimed", i.src.role, null, false);
          for (Stmt s : w.create(i.m.desired)) Statements.run(c, s);
        } else if (i.alter) {
          for (Stmt s : w.alter(i.m.desired, i.alterAuth)) Statements.run(c, s);
        }
      }
      // 2. Privileges, proxy grants, role grants, partial revokes.
      for (Item i : work) {
        if (i.drop) continue;
        if (i.create || i.regrant) {
          if (!i.create && i.actual != null) for (Stmt s : w.revokeAll(i.actual)) Statements.run(c, s);
          for (Stmt s : w.grants(i.m.desired, present)) grant(c, s, i);
        }
      }
      // 3. Default roles, and ownership states.
      for (Item i : work) {
        if (i.drop) continue;
        boolean hadDefaults = i.actual != null && !i.actual.grants.defaultRoles.isEmpty();
        if ((i.create || i.regrant) && (!i.m.desired.grants.defaultRoles.isEmpty() || hadDefaults)) {
          for (Stmt s : w.defaultRoles(i.m.desired)) Statements.run(c, s);
        }
        if (i.create && !i.park && (i.own == null || !i.own.replacing())) {
          AccountOwnership.record(c, i.name, ctx.owner, "created", i.src.role, null, false);
        }
        i.done = true;
      }
      // 4. This migration's accounts gone from the source: users before roles.
      List<Item> drops = new ArrayList<>(work.stream().filter(i -> i.drop).toList());
      drops.sort((x, y) -> Boolean.compare(x.own.role(), y.own.role()));
      for (Item i : drops) {
        undoOne(c, w, i.own, new ArrayList<>(), reader(ctx.targetProfile).list(c));
        i.done = true;
      }
    } catch (SQLException e) {
      if (e.getErrorCode() != 1290 && e.getErrorCode() != 1836) throw e;
      result.targetReadOnly = true;
      for (Item i : work) {
        if (i.done) continue;
        i.change.reason = "the target refuses writes (read-only, ERROR " + e.getErrorCode() + "): applied once it is"
            + " writable (the cutover)";
        i.change.details.add(0, "would " + i.change.action);
        i.change.action = AccountChange.PENDING;
      }
      result.notes.add(ctx.targetProfile.where() + " is read-only (ERROR " + e.getErrorCode() + "): account changes are"
          + " pending until it is writable");
    }
  }

  /** A GRANT; if the target refuses it (an unexpected restriction), each privilege alone, the refused ones stripped. */
  private void grant(Connection c, Stmt s, Item i) throws SQLException {
    try {
      Statements.run(c, s);
    } catch (SQLException e) {
      if (!refusal(e)) throw e;
      if ("fail".equals(ctx.options.refusedGrants)) {
        throw ApplicationFailure.newNonRetryableFailure("accounts: the target refused a grant to " + i.name.display()
            + " (ERROR " + e.getErrorCode() + ": " + first(e) + ") and accounts.refusedGrants is fail", "AccountsRefused");
      }
      i.change.stripped.add(s.sql().replaceFirst(" TO .*$", "") + ": refused by the target (ERROR " + e.getErrorCode() + ": "
          + first(e) + ")");
    }
  }

  private static boolean refusal(SQLException e) {
    int c = e.getErrorCode();
    return c == 1045 || c == 1410 || c == 1227 || c == 1044 || c == 1142 || c == 1698 || c == 3523 || c == 1146 || c == 1305;
  }

  private static String first(SQLException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }

  /** Drops one account this migration created, or puts back the one it parked. */
  private void undoOne(Connection c, AccountWriter w, AccountOwnership.Row row, List<String> notes,
      Map<AccountName, Boolean> onTarget) throws SQLException {
    if (row.replacing()) {
      AccountName parked = row.parked();
      if (parked != null && onTarget.containsKey(parked)) {
        Statements.run(c, w.drop(row.name(), row.role()));
        Statements.run(c, w.rename(parked, row.name()));
        if (!row.parkedWasLocked()) Statements.run(c, w.lock(row.name(), false));
        notes.add(row.name().display());
      }
    } else {
      Statements.run(c, w.drop(row.name(), row.role() && ctx.targetProfile.mariadb()));
      notes.add(row.name().display());
    }
    AccountOwnership.forget(c, row.name(), ctx.owner);
  }

  /** The undo of step 5: see AccountsActivities#dropCreatedAccounts. */
  public List<String> dropCreated() throws SQLException {
    Connection c = ctx.target;
    List<String> notes = new ArrayList<>();
    List<AccountOwnership.Row> rows = new ArrayList<>();
    for (AccountOwnership.Row r : AccountOwnership.readAll(c).values()) if (r.ownedBy(ctx.owner)) rows.add(r);
    if (rows.isEmpty()) return notes;
    rows.sort((x, y) -> Boolean.compare(x.role(), y.role()));
    Statements.unlogged(c);
    AccountWriter w = AccountWriter.of(ctx.targetProfile);
    Map<AccountName, Boolean> onTarget = reader(ctx.targetProfile).list(c);
    List<String> dropped = new ArrayList<>();
    List<String> restored = new ArrayList<>();
    for (AccountOwnership.Row r : rows) undoOne(c, w, r, r.replacing() ? restored : dropped, onTarget);
    if (!dropped.isEmpty()) {
      notes.add("dropped " + dropped.size() + " account(s) this migration created: " + String.join(", ", dropped));
    }
    if (!restored.isEmpty()) {
      notes.add("put back " + restored.size() + " account(s) it had replaced, with their own password and grants: "
          + String.join(", ", restored));
    }
    AccountOwnership.dropMetaIfEmpty(c);
    return notes;
  }

  /** After a completed migration: see AccountsActivities#releaseAccounts. */
  public List<String> release() throws SQLException {
    Connection c = ctx.target;
    List<String> notes = new ArrayList<>();
    List<AccountOwnership.Row> rows = new ArrayList<>();
    for (AccountOwnership.Row r : AccountOwnership.readAll(c).values()) if (r.ownedBy(ctx.owner)) rows.add(r);
    if (rows.isEmpty()) return notes;
    Statements.unlogged(c);
    AccountWriter w = AccountWriter.of(ctx.targetProfile);
    List<String> parked = new ArrayList<>();
    for (AccountOwnership.Row r : rows) {
      if (r.replacing() && r.parked() != null) {
        Statements.run(c, w.drop(r.parked(), false));
        parked.add(r.parked().display());
      }
      AccountOwnership.forget(c, r.name(), ctx.owner);
    }
    notes.add("released " + rows.size() + " account(s) to the application (no longer this migration's to drop)");
    if (!parked.isEmpty()) notes.add("dropped the replaced originals parked as " + String.join(", ", parked));
    AccountOwnership.dropMetaIfEmpty(c);
    return notes;
  }

  /** Whether the object a grant scope names exists on the target (schemas and *.* need not). */
  boolean present(Scope s) {
    if (s.kind() == GrantSet.Kind.GLOBAL || s.kind() == GrantSet.Kind.DATABASE) return true;
    String key = s.kind() + "|" + s.db() + "|" + s.name();
    Boolean known = objects.get(key);
    if (known != null) return known;
    String sql = s.kind() == GrantSet.Kind.TABLE
        ? "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
        : "SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_NAME = ? AND ROUTINE_TYPE = '"
            + s.kind().name() + "'";
    boolean found;
    try (PreparedStatement ps = ctx.target.prepareStatement(sql)) {
      ps.setString(1, s.db());
      ps.setString(2, s.name());
      try (ResultSet rs = ps.executeQuery()) {
        found = rs.next();
      }
    } catch (SQLException e) {
      found = true; // cannot tell: let the GRANT say
    }
    objects.put(key, found);
    return found;
  }

  private static AccountReader reader(ServerProfile p) {
    AccountReader r = AccountReader.of(p.info);
    if (r instanceof MySqlAccountReader m) m.where(p.where());
    if (r instanceof MariaDbAccountReader m) m.where(p.where());
    return r;
  }

  private static void count(AccountsResult r) {
    // A sync reports the stripped grants of the accounts it changes; the copy reported the others.
    boolean syncing = r.operation.equals("diff") || r.operation.equals("sync");
    for (AccountChange c : r.changes) {
      if (syncing && AccountChange.UNCHANGED.equals(c.action)) c.stripped.clear();
      switch (c.action) {
        case AccountChange.CREATE -> r.created++;
        case AccountChange.UPDATE -> r.updated++;
        case AccountChange.REPLACE -> r.replaced++;
        case AccountChange.DROP -> r.dropped++;
        case AccountChange.UNCHANGED -> r.unchanged++;
        case AccountChange.KEEP_TARGET -> r.keptTarget++;
        case AccountChange.REFUSED -> r.refused++;
        case AccountChange.PENDING -> r.pending++;
        default -> { }
      }
      r.strippedGrants += c.stripped.size();
      r.deferredGrants += c.deferred.size();
      for (String s : c.stripped) r.warnings.add("accounts: " + c.account + ": grant " + s + " (stripped)");
      if (AccountChange.REFUSED.equals(c.action)) r.warnings.add("accounts: " + c.account + " not copied: " + c.reason);
      if (AccountChange.KEEP_TARGET.equals(c.action)) {
        r.warnings.add("accounts: " + c.account + " kept as the target has it (differs from the source: "
            + String.join(", ", c.details) + ")");
      }
    }
    if (r.deferredGrants > 0) {
      r.notes.add(r.deferredGrants + " grant(s) on tables or routines the target does not have yet are deferred: a later"
          + " copy or sync (after the schema step) gives them");
    }
  }

  static String summary(AccountsResult r) {
    int changed = r.changedCount();
    String tail = (r.strippedGrants > 0 ? "; " + r.strippedGrants + " grant(s) stripped" : "")
        + (r.deferredGrants > 0 ? "; " + r.deferredGrants + " deferred" : "")
        + (r.refused > 0 ? "; " + r.refused + " refused" : "");
    switch (r.operation) {
      case "diff":
      case "sync": {
        int total = changed + r.pending;
        if (total == 0) return "no account changed on the source since the copy" + tail;
        String what = total + " account(s) changed on the source since the copy";
        if (r.operation.equals("diff")) return what + ": not applied yet" + tail;
        return what + (r.pending > 0 ? ": pending, the target is read-only" : ": applied") + tail;
      }
      default: {
        int roles = 0;
        for (AccountChange c : r.changes) if (c.role && AccountChange.CREATE.equals(c.action)) roles++;
        String verb = r.operation.equals("plan") ? "would create " : "created ";
        return verb + r.created + " account(s)" + (roles > 0 ? " (" + roles + " role(s))" : "")
            + (r.replaced > 0 ? ", replaced " + r.replaced : "") + (r.updated > 0 ? ", updated " + r.updated : "")
            + (r.dropped > 0 ? ", dropped " + r.dropped : "") + ", " + r.unchanged + " unchanged"
            + (r.keptTarget > 0 ? ", " + r.keptTarget + " kept as on the target" : "") + tail;
      }
    }
  }
}
