package dev.migrator.guard;

import dev.migrator.mysql.Jdbc;
import dev.migrator.dialect.Dialect;
import dev.migrator.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The accounts and connected sessions that can write through {@code read_only} (privileges and
 * process list per {@link Dialect}; MySQL 8.0.22+ reads performance_schema.processlist): MySQL's SUPER and
 * CONNECTION_ADMIN (unless super_read_only is on), MariaDB's READ_ONLY ADMIN (and SUPER before
 * 10.11, where SUPER still included it). Their writes after the cutover read the final position
 * exist only on the old source: the cutover stops them (super_read_only, a global read lock) or
 * proves none came.
 */
public final class ReadOnlyBypass {
  /** Accounts of the server itself, never an application's. */
  private static final Set<String> SYSTEM_USERS = Set.of("mariadb.sys", "mysql.sys", "mysql.session",
      "mysql.infoschema", "rdsadmin", "system user", "event_scheduler");

  private ReadOnlyBypass() {}

  /** The privileges that let an account write through read_only on this server (its dialect's). */
  public static List<String> privileges(Dialect d) {
    return d.readOnlyBypassPrivileges();
  }

  public static Set<String> accounts(dev.migrator.mysql.Session s) throws SQLException {
    return accounts(s.connection(), s.dialect());
  }

  public static List<Session> sessions(dev.migrator.mysql.Session s, Collection<String> accounts, Collection<Long> except)
      throws SQLException {
    return sessions(s.connection(), s.dialect(), accounts, except);
  }

  public static List<Long> waitingForTheLock(dev.migrator.mysql.Session s, long lockHolder) throws SQLException {
    return waitingForTheLock(s.connection(), s.dialect(), lockHolder);
  }

  /** Whether connection {@code id} is still there. */
  public static boolean connected(dev.migrator.mysql.Session s, long id) throws SQLException {
    return s.scalar("SELECT 1 FROM " + s.dialect().processlist() + " WHERE ID = " + id) != null;
  }

  /**
   * Accounts ("'user'@'host'") holding one of {@link #privileges}, from USER_PRIVILEGES (complete
   * only when the account may read the mysql schema; otherwise only its own grants show).
   */
  public static Set<String> accounts(Connection c, Dialect info) throws SQLException {
    Set<String> out = new TreeSet<>();
    StringBuilder in = new StringBuilder();
    if (privileges(info).isEmpty()) return out;
    for (String p : privileges(info)) in.append(in.length() == 0 ? "" : ", ").append(Sql.literal(p));
    for (Map<String, String> row : Jdbc.rows(c, "SELECT DISTINCT GRANTEE FROM information_schema.USER_PRIVILEGES"
        + " WHERE PRIVILEGE_TYPE IN (" + in + ")")) {
      String grantee = row.get("GRANTEE");
      if (!SYSTEM_USERS.contains(userOf(grantee))) out.add(grantee);
    }
    return out;
  }

  /** The user name of a grantee string "'app'@'%'". */
  static String userOf(String grantee) {
    int at = grantee.lastIndexOf("@");
    String u = at < 0 ? grantee : grantee.substring(0, at);
    return u.replaceAll("^'|'$", "").toLowerCase(Locale.ROOT);
  }

  /** One connected session, as a process list shows it. */
  public record Session(long id, String user, String host, String db, String command, long seconds, String state) {
    public String describe() {
      return "id " + id + " " + user + "@" + host + (db == null ? "" : " db=" + db) + " (" + command
          + (state == null || state.isBlank() ? "" : ", " + state) + ", " + seconds + " s)";
    }
  }

  /**
   * Sessions of these accounts' users, except replication and server threads and the sessions in
   * {@code except} (this connection is always left out).
   */
  public static List<Session> sessions(Connection c, Dialect d, Collection<String> accounts, Collection<Long> except)
      throws SQLException {
    Set<String> users = new TreeSet<>();
    for (String a : accounts) users.add(userOf(a));
    List<Session> out = new ArrayList<>();
    if (users.isEmpty()) return out;
    long self = Long.parseLong(Jdbc.scalar(c, "SELECT CONNECTION_ID()"));
    for (Map<String, String> row : Jdbc.rows(c, "SELECT ID, USER, HOST, DB, COMMAND, TIME, STATE"
        + " FROM " + d.processlist())) {
      long id = Long.parseLong(row.get("ID"));
      String user = row.get("USER") == null ? "" : row.get("USER");
      String command = row.get("COMMAND") == null ? "" : row.get("COMMAND");
      if (id == self || except.contains(id) || !users.contains(user.toLowerCase(Locale.ROOT))) continue;
      if (command.startsWith("Binlog Dump") || command.equals("Daemon") || command.startsWith("Slave_")
          || command.equals("Killed")) {
        continue;
      }
      out.add(new Session(id, user, row.get("HOST"), row.get("DB"), command,
          row.get("TIME") == null ? 0 : Long.parseLong(row.get("TIME")), row.get("STATE")));
    }
    return out;
  }

  /** Sessions waiting for a global read lock or backup lock: writers held up by FLUSH TABLES WITH READ LOCK. */
  public static List<Long> waitingForTheLock(Connection c, Dialect d, long lockHolder) throws SQLException {
    List<Long> out = new ArrayList<>();
    for (Map<String, String> row : Jdbc.rows(c, "SELECT ID, USER, COMMAND, STATE FROM " + d.processlist())) {
      String state = row.get("STATE") == null ? "" : row.get("STATE");
      String command = row.get("COMMAND") == null ? "" : row.get("COMMAND");
      long id = Long.parseLong(row.get("ID"));
      // A replication thread (reverse replication applying the target's writes) waits too: it goes on once released.
      if ("system user".equals(row.get("USER")) || command.startsWith("Slave_") || command.startsWith("Binlog Dump")) continue;
      if (id != lockHolder && (state.startsWith("Waiting for global read lock") || state.startsWith("Waiting for backup lock")
          || state.startsWith("Waiting for commit lock"))) {
        out.add(id);
      }
    }
    return out;
  }
}
