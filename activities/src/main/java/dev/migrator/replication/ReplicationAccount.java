package dev.migrator.replication;

import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.ReplicationTls;
import dev.migrator.mysql.Session;
import dev.migrator.mysql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The account a replica connects with ('user'@'%', REPLICATION SLAVE + REPLICATION CLIENT and
 * nothing else), made and dropped without binary logging where the session may, so the statement
 * never replicates to the other side. Created {@code REQUIRE SSL} when its channel uses TLS
 * ({@link ReplicationTls#accountRequirement()}): the primary itself then refuses the account over
 * plaintext, so a channel someone reconfigures or downgrades fails instead of replicating in
 * clear. Used on the source (forward replication) and on the target (reverse).
 */
public final class ReplicationAccount {
  /** The only privileges the account gets. */
  public static final String PRIVILEGES = "REPLICATION SLAVE, REPLICATION CLIENT";

  private ReplicationAccount() {}

  /** Creates the account if it does not exist (an existing one is left as it is), with {@code tls}'s requirement. */
  public static void create(Session s, String user, String password, ReplicationTls tls) throws SQLException {
    Connection c = s.connection();
    s.unlogged(); // RDS/Aurora: the account statement is binlogged, which is harmless
    try (PreparedStatement ps = c.prepareStatement("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ? "
        + tls.accountRequirement())) {
      ps.setString(1, user);
      ps.setString(2, password == null ? "" : password);
      ps.execute();
    }
    Jdbc.exec(c, "GRANT " + PRIVILEGES + " ON *.* TO " + Sql.literal(user) + "@'%'");
  }

  public static void drop(Session s, String user) throws SQLException {
    s.unlogged();
    Jdbc.exec(s.connection(), "DROP USER IF EXISTS " + Sql.literal(user) + "@'%'");
  }
}
