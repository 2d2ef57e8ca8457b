package dev.migrator.preflight;

import dev.migrator.model.Endpoint;
import dev.migrator.dialect.Dialect;
import dev.migrator.dialect.Dialects;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.ServerInfo;
import dev.migrator.mysql.TlsStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One connected endpoint as the checks see it: its connection, version and global variables. */
public final class Side {
  public final String role;
  public final Endpoint endpoint;
  public final Connection connection;
  public final ServerInfo info;
  /** The server's dialect: statements and names per kind of server. */
  public final Dialect dialect;
  private final Map<String, String> variables;
  private Grants grants;
  /** The connection's TLS as the server reports it (null for sides built from variables in tests). */
  TlsStatus tls;

  Side(String role, Endpoint endpoint, Connection connection) throws SQLException {
    this.role = role;
    this.endpoint = endpoint;
    this.connection = connection;
    this.dialect = Dialects.detect(connection, endpoint);
    this.info = dialect.version();
    this.variables = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    this.variables.putAll(Jdbc.variables(connection, "%"));
  }

  /** A side without a connection, for judging variables in tests. */
  Side(String role, Endpoint endpoint, ServerInfo info, Map<String, String> variables) {
    this.role = role;
    this.endpoint = endpoint;
    this.connection = null;
    this.info = info;
    this.dialect = Dialects.of(info, endpoint == null ? null : endpoint.flavor, java.util.Map.of());
    this.variables = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    this.variables.putAll(variables);
  }

  /** The TLS of preflight's connection to this side, or null when unknown. */
  public TlsStatus tls() {
    return tls;
  }

  /**
   * Whether the server offers TLS: preflight's own connection tells (it uses TLS whenever the
   * server offers it), else the server's {@code have_ssl} (which MySQL 8.4+ no longer has).
   */
  public boolean offersTls() {
    if (tls != null && !tls.unknown()) return tls.encrypted();
    return "YES".equalsIgnoreCase(var("have_ssl"));
  }

  /** A global variable, or null when the server has no such variable. */
  public String var(String name) {
    return variables.get(name);
  }

  public boolean hasVar(String name) {
    return variables.containsKey(name);
  }

  public long longVar(String name, long dflt) {
    String v = var(name);
    if (v == null) return dflt;
    try {
      return (long) Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  public boolean isAurora() {
    return "aurora-mysql".equals(endpoint.flavor);
  }

  /** The grants of the connected account (SHOW GRANTS), parsed once. */
  public Grants grants() throws SQLException {
    if (grants == null) {
      List<String> lines = new ArrayList<>();
      try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
        while (rs.next()) lines.add(rs.getString(1));
      }
      grants = Grants.parse(lines);
    }
    return grants;
  }

  /** Rows of a query with string parameters. */
  public List<Map<String, String>> rows(String sql, String... params) throws SQLException {
    List<Map<String, String>> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
          for (int i = 1; i <= n; i++) row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
          out.add(row);
        }
      }
    }
    return out;
  }

  /** "source 10.0.0.1:3306" — how findings name the endpoint in their evidence. */
  public String where() {
    return role + " " + endpoint.address();
  }
}
