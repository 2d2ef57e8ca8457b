package dev.migrator.preflight;

import dev.migrator.model.Finding;
import dev.migrator.mysql.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The account the target replicates with ('replication.user'@'%' on the source, as the replicate
 * step looks it up). With createUser=false it must exist and hold REPLICATION SLAVE; with
 * createUser=true an existing account is used as it is (never dropped, password not changed).
 */
public final class ReplicationAccountCheck implements PreflightCheck {
  @Override
  public String name() {
    return "replication account";
  }

  @Override
  public void run(PreflightContext ctx) {
    Side s = ctx.source;
    if (s == null || ctx.request.replication == null) return;
    String user = ctx.request.replication.user;
    String account = "'" + user + "'@'%'";
    List<String> lines = new ArrayList<>();
    int error = 0;
    try (Statement st = s.connection.createStatement();
        ResultSet rs = st.executeQuery("SHOW GRANTS FOR " + Sql.literal(user) + "@'%'")) {
      while (rs.next()) lines.add(rs.getString(1));
    } catch (SQLException e) {
      error = e.getErrorCode();
    }
    boolean create = ctx.request.replication.createUser;
    if (error == 1141 || error == 1133) { // no such grant / no such user
      if (!create) {
        ctx.add("replication-account", Finding.BLOCKING, "source", s.where() + ": replication account " + account
                + " does not exist and replication.createUser is false",
            "create it on the source: CREATE USER " + account + " IDENTIFIED BY '...'; GRANT REPLICATION SLAVE,"
                + " REPLICATION CLIENT ON *.* TO " + account + "; or set replication.createUser=true");
      }
      return;
    }
    if (error != 0) {
      if (!create) {
        ctx.add("replication-account", Finding.INFO, "source", s.where() + ": cannot see whether " + account
            + " exists (ERROR " + error + ")", "make sure it exists with REPLICATION SLAVE, REPLICATION CLIENT");
      }
      return;
    }
    Grants g = Grants.parse(lines);
    if (!g.hasGlobal("REPLICATION SLAVE")) {
      ctx.add("replication-account", Finding.BLOCKING, "source", s.where() + ": replication account " + account
              + " exists without REPLICATION SLAVE on *.*",
          "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO " + account + " (migrator uses an existing account"
              + " as it is)");
    } else {
      if (create) {
        ctx.add("replication-account", Finding.INFO, "source", s.where() + ": replication account " + account
                + " already exists: migrator uses it as it is and will not drop it",
            "make sure replication.password is its password");
      }
      List<String> more = beyondReplication(g);
      if (!more.isEmpty()) {
        ctx.add("replication-account-privileges", Finding.WARNING, "source", s.where() + ": replication account "
                + account + " holds more than replication needs (" + PreflightContext.list(more) + "); the target"
                + " keeps its password in clear in its connection metadata (MariaDB master.info, MySQL"
                + " mysql.slave_master_info), so whoever reads the target's data directory or that table gets all of it",
            "give replication an account of its own with REPLICATION SLAVE only (set replication.user to a new name:"
                + " migrator creates it and drops it again), or REVOKE the rest from " + account);
      }
    }
  }

  /**
   * What an existing replication account holds beyond what a replica needs: REPLICATION SLAVE
   * (REPLICATION CLIENT, MariaDB's BINLOG MONITOR/SLAVE MONITOR and USAGE are harmless reads).
   */
  static List<String> beyondReplication(Grants g) {
    List<String> harmless = List.of("USAGE", "REPLICATION SLAVE", "REPLICATION CLIENT", "BINLOG MONITOR",
        "SLAVE MONITOR", "REPLICA MONITOR");
    List<String> out = new ArrayList<>();
    for (String p : g.globalPrivileges()) if (!harmless.contains(p)) out.add(p + " ON *.*");
    for (String scope : g.narrowerScopes()) out.add("grants on " + scope);
    return out;
  }
}
