package dev.migrator.preflight;

import dev.migrator.guard.ServerIdentity;
import dev.migrator.model.Finding;
import java.sql.SQLException;

/**
 * Source and target must be two servers, as the servers themselves say: one server reached by two
 * names ({@code localhost} and {@code 127.0.0.1}, a DNS alias) would have the copy write into the
 * source and the rollback drop it. Never skippable.
 */
public final class SameServerCheck implements PreflightCheck {
  @Override
  public String name() {
    return "same server";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    if (ctx.source == null || ctx.target == null) return;
    ServerIdentity s = ServerIdentity.of(ctx.source.connection);
    ServerIdentity t = ServerIdentity.of(ctx.target.connection);
    if (s.sameServerAs(t)) {
      ctx.report.add(new Finding("same-server", Finding.BLOCKING, "target", ctx.source.where() + " and "
          + ctx.target.where() + " are the same server (" + s.describe() + "): the copy would write into the source"
          + " and a rollback would drop it",
          "point 'target' at the server you migrate to; two names for one server (localhost and 127.0.0.1, an"
              + " alias) are still one server").protectingData());
    }
  }
}
