package dev.migrator.accounts;

import dev.migrator.guard.SchemaOwnership;
import dev.migrator.guard.SchemaOwnership.Owner;
import dev.migrator.mysql.Jdbc;
import dev.migrator.mysql.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which target accounts a migration created or replaced, recorded on the target itself: one row
 * per account in {@code migrator_meta.owned_accounts} (beside {@code owned_schemas}), written (not
 * binary-logged where allowed) before the statement that creates or parks the account. Names and
 * states only, never a hash: a replaced account is parked by RENAME USER under a placeholder host
 * (with its own password and grants, locked), not copied.
 *
 * <p>States: {@code claimed} (CREATE USER may or may not have run), {@code created}; {@code parking}
 * (the original may or may not be renamed yet), {@code replaced} (original parked, ours created).
 */
public final class AccountOwnership {
  static final String TABLE = Sql.table(SchemaOwnership.META_SCHEMA, "owned_accounts");

  private AccountOwnership() {}

  public record Row(AccountName name, String workflowId, String migrationId, String state, boolean role,
      String parkedHost, boolean parkedWasLocked) {
    public boolean ownedBy(Owner o) {
      return workflowId.equals(o.workflowId());
    }

    public boolean replacing() {
      return state.equals("parking") || state.equals("replaced");
    }

    public AccountName parked() {
      return parkedHost == null ? null : new AccountName(name.user(), parkedHost);
    }

    public String describeOwner() {
      return "migration " + migrationId + " (workflow " + workflowId + ")";
    }
  }

  public static void ensureTable(Connection c) throws SQLException {
    Statements.unlogged(c);
    Jdbc.exec(c, "CREATE DATABASE IF NOT EXISTS " + Sql.id(SchemaOwnership.META_SCHEMA),
        "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
            + " user_name VARCHAR(128) NOT NULL,"
            + " host_name VARCHAR(255) NOT NULL,"
            + " workflow_id VARCHAR(255) NOT NULL,"
            + " migration_id VARCHAR(255) NOT NULL,"
            + " state VARCHAR(16) NOT NULL,"
            + " is_role CHAR(1) NOT NULL DEFAULT 'N',"
            + " parked_host VARCHAR(255) NULL,"
            + " parked_was_locked CHAR(1) NULL,"
            + " claimed_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),"
            + " PRIMARY KEY (user_name, host_name)"
            + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  }

  /** Every row, by account; empty when the table does not exist (or cannot be read: preflight). */
  public static Map<AccountName, Row> readAll(Connection c) throws SQLException {
    Map<AccountName, Row> out = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT user_name, host_name, workflow_id, migration_id, state,"
        + " is_role, parked_host, parked_was_locked FROM " + TABLE); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        AccountName n = new AccountName(rs.getString(1), rs.getString(2));
        out.put(n, new Row(n, rs.getString(3), rs.getString(4), rs.getString(5), "Y".equals(rs.getString(6)),
            rs.getString(7), "Y".equals(rs.getString(8))));
      }
    } catch (SQLException e) {
      if (e.getErrorCode() != 1146 && e.getErrorCode() != 1049 && e.getErrorCode() != 1142) throw e;
    }
    return out;
  }

  /** Records the account as this migration's (insert or update of its own row). */
  public static void record(Connection c, AccountName n, Owner owner, String state, boolean role, String parkedHost,
      boolean parkedWasLocked) throws SQLException {
    Statements.unlogged(c);
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET state = ? WHERE user_name = ? AND host_name = ?"
        + " AND workflow_id = ?")) {
      ps.setString(1, state);
      ps.setString(2, n.user());
      ps.setString(3, n.host());
      ps.setString(4, owner.workflowId());
      if (ps.executeUpdate() > 0) return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (user_name, host_name, workflow_id,"
        + " migration_id, state, is_role, parked_host, parked_was_locked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, n.user());
      ps.setString(2, n.host());
      ps.setString(3, owner.workflowId());
      ps.setString(4, owner.migrationId());
      ps.setString(5, state);
      ps.setString(6, role ? "Y" : "N");
      ps.setString(7, parkedHost);
      ps.setString(8, parkedHost == null ? null : parkedWasLocked ? "Y" : "N");
      ps.executeUpdate();
    }
  }

  public static void forget(Connection c, AccountName n, Owner owner) throws SQLException {
    Statements.unlogged(c);
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE
        + " WHERE user_name = ? AND host_name = ? AND workflow_id = ?")) {
      ps.setString(1, n.user());
      ps.setString(2, n.host());
      ps.setString(3, owner.workflowId());
      ps.executeUpdate();
    } catch (SQLException e) {
      if (e.getErrorCode() != 1146 && e.getErrorCode() != 1049) throw e;
    }
  }

  /**
   * Drops migrator_meta once neither accounts nor schemas are recorded in it. (SchemaOwnership's
   * own cleanup looks at owned_schemas only: see the accounts step's notes in docs/preflight.md.)
   */
  public static void dropMetaIfEmpty(Connection c) throws SQLException {
    SchemaOwnership.dropTableIfEmpty(c); // every bookkeeping table empty: schemas and accounts
  }

  /** The placeholder host a replaced account is parked under: unique per migration and account, matches no client. */
  public static String parkedHost(Owner owner, AccountName n) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((owner.workflowId() + "\n" + n.user() + "\n" + n.host())
          .getBytes(StandardCharsets.UTF_8));
      return "migrator-parked-" + HexFormat.of().formatHex(h, 0, 8) + ".invalid";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
