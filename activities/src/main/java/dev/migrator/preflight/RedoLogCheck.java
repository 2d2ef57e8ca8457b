package dev.migrator.preflight;

import dev.migrator.model.Finding;
import java.sql.SQLException;

/**
 * copy.disableRedoLog needs a target that can turn its InnoDB redo log off: self-managed MySQL
 * 8.0.21+ (ALTER INSTANCE DISABLE INNODB REDO_LOG; MariaDB has no such statement, RDS/Aurora do
 * not allow it) and an account with INNODB_REDO_LOG_ENABLE. Otherwise the copy step would fail
 * at its start: blocking, with the fix. When it can, a warning repeats MySQL's risk in plain words.
 */
public final class RedoLogCheck implements PreflightCheck {
  static final String ID = "redo-log-off";
  private static final String OR_OFF = " or set copy.disableRedoLog to false";

  @Override
  public String name() {
    return "redo log";
  }

  @Override
  public void run(PreflightContext ctx) throws SQLException {
    if (ctx.request.copy == null || !ctx.request.copy.disableRedoLog) return;
    Side t = ctx.target;
    if (t == null) return;
    if (t.info.mariadb()) {
      block(ctx, t, t.where() + " is " + t.info.describe() + ": MariaDB has no ALTER INSTANCE DISABLE INNODB REDO_LOG",
          "set copy.disableRedoLog to false (MariaDB cannot turn its redo log off)");
    } else if (t.endpoint.isRdsFamily()) {
      block(ctx, t, t.where() + " is " + t.endpoint.flavor + ": RDS and Aurora do not allow turning the redo log off",
          "set copy.disableRedoLog to false");
    } else if (!t.info.atLeast(8, 0, 21)) {
      block(ctx, t, t.where() + " is MySQL " + t.info.version() + ": turning the redo log off needs MySQL 8.0.21 or later",
          "upgrade the target to MySQL 8.0.21+," + OR_OFF);
    } else if (!t.grants().hasGlobal("INNODB_REDO_LOG_ENABLE")) {
      String how = "GRANT INNODB_REDO_LOG_ENABLE ON *.* TO the target account (" + t.endpoint.user + "),"
          + OR_OFF;
      if (t.grants().usesRoles()) {
        ctx.add(ID, Finding.WARNING, "target", t.where() + ": the account's own grants lack INNODB_REDO_LOG_ENABLE;"
            + " it has roles, which may grant it (not checked)", "if the copy step fails with access denied: " + how);
      } else {
        block(ctx, t, t.where() + ": the account lacks the INNODB_REDO_LOG_ENABLE privilege that"
            + " ALTER INSTANCE DISABLE INNODB REDO_LOG needs", how);
      }
    } else {
      ctx.add(ID, Finding.WARNING, "target", t.where() + ": copy.disableRedoLog turns the InnoDB redo log off during"
              + " the copy: if this server crashes or loses power meanwhile, data can be lost and the whole instance"
              + " corrupted (MySQL supports it only for loading a new instance)",
          "use it only on a fresh target that holds nothing else; after such a crash, roll back and start again into"
              + " a fresh target");
    }
  }

  private static void block(PreflightContext ctx, Side t, String evidence, String advice) {
    ctx.add(ID, Finding.BLOCKING, "target", evidence, advice);
  }
}
