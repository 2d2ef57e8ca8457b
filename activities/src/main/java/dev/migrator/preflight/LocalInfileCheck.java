package dev.migrator.preflight;

import dev.migrator.model.CopyOptions.WriteMethod;
import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.Transport;
import java.sql.SQLException;

/**
 * LOAD DATA LOCAL INFILE needs the target's local_infile ON (MariaDB's default; OFF by default on
 * MySQL 8.0+, where the statement fails with ERROR 3948). The staged transport and
 * copy.writeMethod LOAD_DATA depend on it: blocking. AUTO (the default) falls back to batched
 * INSERT, which is slower: a note says so and how to get the faster path.
 */
public final class LocalInfileCheck implements PreflightCheck {
  @Override
  public String name() {
    return "LOAD DATA LOCAL";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    Side t = ctx.target;
    MigrationRequest r = ctx.request;
    if (t == null || t.connection == null || r.copy == null) return;
    String v = t.var("local_infile");
    if (v == null || "ON".equalsIgnoreCase(v) || "1".equals(v)) return;
    String enable = t.endpoint.isRdsFamily()
        ? "set local_infile = 1 in the target's DB cluster (Aurora) or DB instance (RDS) parameter group"
        : "SET PERSIST local_infile = ON on the target";
    boolean staged = Transport.of(r.copy.transport) == Transport.STAGED;
    if (staged || r.copy.writeMethod == WriteMethod.LOAD_DATA) {
      ctx.add("local-infile-off", Finding.BLOCKING, "target", t.where() + ": local_infile is OFF, so LOAD DATA LOCAL"
              + " INFILE fails (ERROR 3948), and " + (staged ? "the staged transport loads" : "copy.writeMethod LOAD_DATA writes")
              + " every chunk with it",
          enable + (staged ? "" : ", or set copy.writeMethod to AUTO (batched INSERT where LOAD DATA is refused)")
              + ", then start the migration again");
    } else if (r.copy.writeMethod == null || r.copy.writeMethod == WriteMethod.AUTO) {
      ctx.add("local-infile-off", Finding.INFO, "target", t.where() + ": local_infile is OFF: the copy writes batched"
          + " INSERTs instead of streaming LOAD DATA LOCAL INFILE (slower; see docs/benchmarks.md)", enable + " for the faster path");
    }
  }
}
