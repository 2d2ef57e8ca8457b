package dev.migrator.accounts;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs account statements. One that carries a password hash ({@link Stmt#secret}) is never echoed:
 * if the server refuses it, the error is rethrown with its code and a description of what was being
 * done, without the server's message (a syntax error message quotes the statement) and without the
 * driver's exception as cause.
 */
public final class Statements {
  private Statements() {}

  /** One statement: the SQL, whether it carries a hash, and what it does ("create 'app'@'%'"). */
  public record Stmt(String sql, boolean secret, String what) {
    @Override
    public String toString() {
      return secret ? what + " (statement withheld: it carries a password hash)" : sql;
    }
  }

  public static void run(Connection c, Stmt st) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(st.sql());
    } catch (SQLException e) {
      if (!st.secret()) throw e;
      throw new SQLException("ERROR " + e.getErrorCode() + " on " + st.what()
          + " (the statement and the server's message are withheld: they carry a password hash)", e.getSQLState(),
          e.getErrorCode());
    }
  }

  /** SET SESSION sql_log_bin = 0 where the account may; false where it may not (RDS/Aurora). */
  public static boolean unlogged(Connection c) {
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION sql_log_bin = 0");
      return true;
    } catch (SQLException notAllowed) {
      return false;
    }
  }
}
