package dev.migrator.dialect;

import dev.migrator.model.BinlogCoordinates;
import dev.migrator.mysql.ServerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * RDS for MySQL (8.0, 8.4) and Aurora MySQL 3: MySQL's statements for reading (status, GTIDs,
 * processlist), and for everything that needs SUPER the {@code mysql.rds_*} procedures that
 * <em>this server has</em>, with the argument count it has: {@link Dialects#detect} reads both from
 * {@code information_schema.ROUTINES}/{@code PARAMETERS}, so nothing is guessed from a version
 * number. The generations differ:
 * <ul>
 *   <li>RDS for MySQL 8.0: only the {@code _master} names; {@code ..._with_auto_position} takes
 *       6 arguments (the 6th a delay);
 *   <li>RDS for MySQL 8.4: only the {@code _source} names, delay argument too;
 *   <li>Aurora MySQL 3: both names, 5 arguments (no delay), plus {@code rds_gtid_purged} and
 *       {@code rds_set_read_only}.
 * </ul>
 * The replication filter is a parameter-group setting ({@code replicate-wild-do-table}): checked,
 * never set. read_only likewise: the read-only hook sets it. With GTIDs on,
 * {@code rds_skip_repl_error} refuses (ERROR 1644): {@code rds_skip_transaction_with_gtid} skips.
 */
public class RdsDialect extends MySqlDialect {
  private final Kind kind;
  private final Map<String, Integer> procedures;

  /** {@code procedures}: name (without "mysql.") → number of parameters, as the server lists them. */
  public RdsDialect(ServerInfo version, Kind kind, Map<String, Integer> procedures) {
    super(version);
    if (kind != Kind.RDS_MYSQL && kind != Kind.AURORA_MYSQL) throw new IllegalArgumentException(kind.name());
    this.kind = kind;
    this.procedures = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    this.procedures.putAll(procedures);
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public String describe() {
    return (kind == Kind.AURORA_MYSQL ? "Aurora MySQL" : "RDS for MySQL") + " (MySQL " + version.major() + "."
        + version.minor() + "." + version.patch() + ")";
  }

  public Map<String, Integer> procedures() {
    return procedures;
  }

  public boolean has(String procedure) {
    return procedures.containsKey(procedure);
  }

  /** "source" where the server has the _source names (8.4, Aurora 3), else "master" (RDS 8.0). */
  String naming() {
    if (has("rds_set_external_source")) return "source";
    if (has("rds_set_external_master")) return "master";
    throw new UnsupportedOperationException(describe() + " lists neither mysql.rds_set_external_source nor"
        + " mysql.rds_set_external_master in information_schema.ROUTINES: the migration account cannot see or"
        + " execute the RDS replication procedures (grant EXECUTE on the mysql schema, or use the master user)");
  }

  private String require(String name) {
    if (!has(name)) {
      throw new UnsupportedOperationException(describe() + " has no mysql." + name + " (its procedures: "
          + procedures.keySet() + ")");
    }
    return name;
  }

  @Override
  public List<SqlStatement> changeSource(ReplicationChannel ch, BinlogCoordinates from, boolean autoPosition) {
    // The channel's ReplicationTls (Channels already switched it on for a caching_sha2_password
    // source: the procedures cannot ask for the source's RSA key).
    int ssl = ch.tls().rdsSslEncryption();
    Object pw = new SqlStatement.Secret(ch.password() == null ? "" : ch.password());
    String n = naming();
    if (autoPosition) {
      String proc = require("rds_set_external_" + n + "_with_auto_position");
      int args = procedures.get(proc);
      List<Object> params = new ArrayList<>(List.of(ch.host(), ch.port(), ch.user(), pw, ssl));
      if (args == 6) params.add(0); // delay (RDS for MySQL)
      else if (args != 5) throw new UnsupportedOperationException("mysql." + proc + " takes " + args + " arguments here;"
          + " known: 5 (Aurora MySQL 3) or 6 (RDS for MySQL, with delay)");
      return List.of(new SqlStatement("CALL mysql." + proc + "(" + placeholders(args) + ")", params));
    }
    if (from == null) throw new IllegalArgumentException("no binlog coordinates to start from");
    String proc = require("rds_set_external_" + n);
    return List.of(SqlStatement.of("CALL mysql." + proc + "(?, ?, ?, ?, ?, ?, ?)", ch.host(), ch.port(), ch.user(),
        pw, from.file, from.position, ssl));
  }

  private static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  @Override
  public List<SqlStatement> replicationFilter(List<String> schemas) {
    return List.of();
  }

  @Override
  public boolean filterIsParameter() {
    return true;
  }

  @Override
  public SqlStatement startReplica() {
    return SqlStatement.of("CALL mysql." + require("rds_start_replication"));
  }

  @Override
  public SqlStatement stopReplica() {
    return SqlStatement.of("CALL mysql." + require("rds_stop_replication"));
  }

  @Override
  public List<SqlStatement> resetReplica() {
    return List.of(stopReplica(), SqlStatement.of("CALL mysql." + require("rds_reset_external_" + naming())));
  }

  @Override
  public List<SqlStatement> skipOneEvent(boolean gtidOn, String failedGtid) {
    if (gtidOn) {
      if (failedGtid == null) {
        throw new UnsupportedOperationException("GTIDs are on (rds_skip_repl_error refuses, ERROR 1644) and the failed"
            + " transaction's GTID is unknown: CALL mysql.rds_skip_transaction_with_gtid('<gtid>') by hand");
      }
      return List.of(SqlStatement.of("CALL mysql." + require("rds_skip_transaction_with_gtid") + "(?)", failedGtid),
          startReplica());
    }
    // rds_skip_repl_error skips the event and lets the SQL thread go on by itself.
    return List.of(SqlStatement.of("CALL mysql." + require("rds_skip_repl_error")));
  }

  @Override
  public List<SqlStatement> nextLog(String failedFile) {
    return List.of(SqlStatement.of("CALL mysql." + require("rds_next_" + naming() + "_log") + "(?)",
        BinlogFiles.sequence(failedFile)), startReplica());
  }

  @Override
  public List<SqlStatement> addGtidPurged(String gtidSet) {
    if (!has("rds_gtid_purged")) {
      throw new UnsupportedOperationException(describe() + " has no mysql.rds_gtid_purged (Aurora MySQL 3 has it),"
          + " so the frozen copy's GTID set cannot be marked as applied: replicate by file and position"
          + " (replication.gtidAutoPosition false)");
    }
    return List.of(SqlStatement.of("CALL mysql.rds_gtid_purged(?)", gtidSet));
  }

  /** read_only is the parameter group's; Aurora MySQL 3 has rds_set_read_only (not for the writer's clients). */
  @Override
  public SqlStatement readOnly(boolean on) {
    throw new UnsupportedOperationException("read_only on " + describe() + " is a DB parameter group setting (the"
        + " admin user has no SUPER/SYSTEM_VARIABLES_ADMIN, SET GLOBAL read_only fails with ERROR 1227): configure"
        + " the endpoint's readOnlyHook (type parameter-group with the group's name, or a command/webhook)");
  }

  @Override
  public boolean hasSuperReadOnly() {
    return false; // it exists, but only the parameter group sets it
  }

  @Override
  public List<String> readOnlyBypassPrivileges() {
    return List.of(); // the parameter group's read_only stops every account but rdsadmin
  }

  @Override
  public List<String> retentionVariables() {
    return List.of();
  }

  @Override
  public SqlStatement setRetentionHours(Integer hours) {
    return SqlStatement.of("CALL mysql." + require("rds_set_configuration") + "('binlog retention hours', ?)", hours);
  }

  @Override
  public String showRetention() {
    return "CALL mysql." + require("rds_show_configuration");
  }

  @Override
  public Snapshot snapshot() {
    // The master user has no BACKUP_ADMIN on RDS; FLUSH TABLES WITH READ LOCK needs RELOAD, which it has.
    return Snapshot.GLOBAL_READ_LOCK;
  }

  @Override
  public boolean hasClone() {
    return false;
  }
}
