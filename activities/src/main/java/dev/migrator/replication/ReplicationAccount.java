package dev.migrator.replication;

import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.Session;
import dev.migrator.mysql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The account a replica connects with ('user'@'%', REPLICATION SLAVE + REPLICATION CLIENT), made
 * and dropped without binary logging where the session may, so the statement never replicates to
 * the other side. Used on the source (forward replication) and on the target (reverse).
 */
public final class ReplicationAccount {
  private ReplicationAccount() {}

  public static void create(Session s, String user, String password) throws SQLException {
    Connection c = s.connection();
    s.unlogged(); // RDS/Aurora: the account statement is binlogged, which is harmless
    try (PreparedStatement ps = c.prepareStatement("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?")) {
      ps.setString(1, user);
      ps.setString(2, password == null ? "" : password);
      ps.execute();
    }
    Jdbc.exec(c, "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO " + Sql.literal(user) + "@'%'");
  }

  public static void drop(Session s, String user) throws SQLException {
    s.unlogged();
    Jdbc.exec(s.connection(), "DROP USER IF EXISTS " + Sql.literal(user) + "@'%'");
  }
}
