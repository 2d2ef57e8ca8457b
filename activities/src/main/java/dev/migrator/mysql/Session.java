package dev.migrator.mysql;

import dev.migrator.dialect.Dialect;
import dev.migrator.dialect.Dialects;
import dev.migrator.dialect.SqlStatement;
import dev.migrator.model.Endpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** An open connection to an endpoint and, detected on first use, the server's {@link Dialect}. */
public final class Session {
  private final Connection connection;
  private final Endpoint endpoint;
  private Dialect dialect;

  public Session(Connection connection, Endpoint endpoint) {
    this.connection = connection;
    this.endpoint = endpoint;
  }

  public Connection connection() {
    return connection;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  public Dialect dialect() throws SQLException {
    if (dialect == null) dialect = Dialects.detect(connection, endpoint);
    return dialect;
  }

  public void exec(String... sql) throws SQLException {
    Jdbc.exec(connection, sql);
  }

  public void run(List<SqlStatement> statements) throws SQLException {
    SqlStatement.executeAll(connection, statements);
  }

  public void run(SqlStatement statement) throws SQLException {
    statement.execute(connection);
  }

  public String scalar(String sql) throws SQLException {
    return Jdbc.scalar(connection, sql);
  }

  /**
   * Makes this session unlogged (its statements never replicate to the other side); returns false
   * where the account may not (RDS/Aurora: then they are binlogged).
   */
  public boolean unlogged() throws SQLException {
    return unlogged(connection, dialect().unloggedSession());
  }

  /** {@link #unlogged()} for a bare connection (every dialect writes the same statement). */
  public static boolean unlogged(Connection c) throws SQLException {
    return unlogged(c, SqlStatement.of("SET SESSION sql_log_bin = 0"));
  }

  private static boolean unlogged(Connection c, SqlStatement st) throws SQLException {
    try {
      st.execute(c);
      return true;
    } catch (SQLException notAllowed) {
      // RDS/Aurora, or an account without SYSTEM_VARIABLES_ADMIN/SUPER/BINLOG ADMIN: binlogged
      if (MySqlErrors.isPrivilegeError(notAllowed)) return false;
      throw notAllowed;
    }
  }
}
