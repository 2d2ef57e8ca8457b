package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.sql.SQLException;
import dev.migrator.mysql.Sql;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares each account's SHOW GRANTS with what the steps of this request will do with it
 * ({@link PrivilegeRequirement#forRequest}). A missing privilege blocks: the step would fail later
 * with ERROR 1044/1142/1227 after earlier steps changed things. Gaps that table-level grants or
 * roles might fill are warnings, because preflight does not resolve those.
 */
public final class PrivilegeCheck implements PreflightCheck {
  @Override
  public String name() {
    return "privileges";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    boolean maria = ctx.source != null ? ctx.source.info.mariadb() : false;
    List<PrivilegeRequirement> reqs = PrivilegeRequirement.forRequest(ctx.request, maria);
    for (Side side : new Side[] {ctx.source, ctx.target}) {
      if (side == null) continue;
      check(ctx, side, reqs);
    }
    if (ctx.target != null && ctx.target.endpoint.isRdsFamily()) {
      ctx.add("target-replication-procedures", Finding.INFO, "target",
          ctx.target.where() + " is " + ctx.target.endpoint.flavor + ": there is no SUPER; replication and read_only"
              + " are managed with the mysql.rds_* procedures and the parameter group, available to the master user",
          "use the master user (or an account with EXECUTE on the mysql schema's rds_* procedures) for the target");
    }
  }

  private void check(PreflightContext ctx, Side side, List<PrivilegeRequirement> reqs) throws SQLException {
    Grants g = side.grants();
    List<String> missing = new ArrayList<>();
    // What to grant, by scope ("*.*", "`shop`.*", "`mysql`.`user`") -> privileges, for the advice.
    Map<String, Set<String>> grant = new LinkedHashMap<>();
    boolean uncertain = g.usesRoles();
    for (PrivilegeRequirement req : reqs) {
      if (!req.role().equals(side.role)) continue;
      if (req.perSchema()) {
        List<String> lacking = new ArrayList<>();
        for (String schema : ctx.schemas()) {
          if (req.anyOf().stream().noneMatch(p -> g.hasOnSchema(p, schema))) {
            lacking.add(schema);
            grant.computeIfAbsent(Sql.id(schema) + ".*", k -> new LinkedHashSet<>()).add(req.suggestion(side.info));
            if (g.hasTableLevelGrants(schema)) uncertain = true;
          }
        }
        if (!lacking.isEmpty()) {
          missing.add(String.join(" or ", req.anyOf()) + " on " + String.join(", ", lacking) + " (" + req.step()
              + ": " + req.why() + ")");
        }
      } else if (req.onTable() != null) {
        String[] st = req.onTable().split("\\.", 2);
        if (req.anyOf().stream().noneMatch(p -> g.hasOnTable(p, st[0], st[1]))) {
          missing.add(req.label() + " (" + req.step() + ": " + req.why() + ")");
          grant.computeIfAbsent(Sql.table(st[0], st[1]), k -> new LinkedHashSet<>()).add(req.suggestion(side.info));
        }
      } else if (req.anyOf().stream().noneMatch(g::hasGlobal)) {
        missing.add(req.label() + " (" + req.step() + ": " + req.why() + ")");
        grant.computeIfAbsent("*.*", k -> new LinkedHashSet<>()).add(req.suggestion(side.info));
      }
    }
    if (missing.isEmpty()) return;
    String account = account(side);
    ctx.add(side.role + "-privileges", uncertain ? Finding.WARNING : Finding.BLOCKING, side.role,
        side.where() + ": account " + account + " lacks " + String.join("; ", missing)
            + (uncertain ? " (the account also has table-level grants or roles, which preflight does not resolve)" : ""),
        "as an administrator of the " + side.role + ", run: " + statements(grant, account)
            + " (or use another account; docs/preflight.md lists the least privileges per step)");
  }

  /** GRANT statements for the missing privileges; GRANT OPTION becomes WITH GRANT OPTION. */
  static String statements(Map<String, Set<String>> grant, String account) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : grant.entrySet()) {
      Set<String> privs = new LinkedHashSet<>(e.getValue());
      boolean withGrant = privs.remove("GRANT OPTION");
      if (privs.isEmpty()) privs.add("USAGE");
      out.add("GRANT " + String.join(", ", privs) + " ON " + e.getKey() + " TO " + account
          + (withGrant ? " WITH GRANT OPTION" : "") + ";");
    }
    return String.join(" ", out);
  }

  /** 'user'@'host' as the server knows the connected account (CURRENT_USER()). */
  static String account(Side side) {
    try {
      String cu = side.rows("SELECT CURRENT_USER() u").get(0).get("u");
      int at = cu.lastIndexOf('@');
      if (at > 0) return "'" + cu.substring(0, at) + "'@'" + cu.substring(at + 1) + "'";
    } catch (SQLException | RuntimeException ignored) {
      // fall through to the configured user name
    }
    return "'" + side.endpoint.user + "'@'<host>'";
  }
}
