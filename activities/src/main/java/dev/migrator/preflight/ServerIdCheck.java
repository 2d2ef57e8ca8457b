package dev.migrator.preflight;

import dev.migrator.model.Finding;

/**
 * Replication needs a non-zero server_id on the source and a different one on the target: a replica
 * skips events carrying its own server_id, so equal ids silently lose every change.
 */
public final class ServerIdCheck implements PreflightCheck {
  @Override
  public String name() {
    return "server_id";
  }

  @Override
  public void run(PreflightContext ctx) {
    for (Side s : new Side[] {ctx.source, ctx.target}) {
      if (s != null && "0".equals(s.var("server_id"))) {
        ctx.add("server-id-set", Finding.BLOCKING, s.role, s.where() + ": server_id=0",
            "set a non-zero server_id, unique among all servers of the replication topology, in my.cnf (or the"
                + " parameter group) and restart");
      }
    }
    if (ctx.source == null || ctx.target == null) return;
    String a = ctx.source.var("server_id");
    String b = ctx.target.var("server_id");
    if (a != null && a.equals(b) && !"0".equals(a)) {
      ctx.add("server-id-distinct", Finding.BLOCKING, "target", "source " + ctx.source.endpoint.address() + " and target "
              + ctx.target.endpoint.address() + " both have server_id=" + a
              + " (the target would ignore every event from the source as its own)",
          "give the target a server_id that no other server of the topology uses (my.cnf or the parameter group;"
              + " a restart is needed on MySQL before 8.0) and rerun preflight");
    }
  }
}
