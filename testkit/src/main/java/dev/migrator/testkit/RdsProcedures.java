package dev.migrator.testkit;

import dev.migrator.testkit.AuroraLikeMySql.Generation;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code mysql.rds_*} stand-ins of {@link AuroraLikeMySql}, for MySQL 9.7: AWS's names and
 * parameter lists (Aurora MySQL user guide, "Replicating" and "Configuring"; RDS for MySQL user
 * guide), SQL SECURITY DEFINER with {@link AuroraLikeMySql#RDS_ADMIN} as definer, so that the
 * admin user, who lacks REPLICATION_SLAVE_ADMIN and SYSTEM_VARIABLES_ADMIN, can do through them
 * what RDS lets the master user do. Statements that take the arguments (CHANGE REPLICATION SOURCE)
 * run through PREPARE/EXECUTE. Conventions as in the MariaDB stand-ins of the activities tests
 * (rds-procedures.sql): connect retry 1 s, {@code rds_next_*_log} stops replication and moves to
 * the next file at position 4 without starting it again.
 */
final class RdsProcedures {
  private RdsProcedures() {}

  private static final String SET_EXTERNAL_ARGS = "IN host_name VARCHAR(255), IN host_port INT,"
      + " IN replication_user_name VARCHAR(255), IN replication_user_password VARCHAR(255),"
      + " IN mysql_binary_log_file_name VARCHAR(255), IN mysql_binary_log_file_location BIGINT, IN ssl_encryption INT";

  static List<String> create(Generation g) {
    List<String> out = new ArrayList<>();
    // Configuration, both generations.
    out.add(proc("rds_set_configuration", "IN name VARCHAR(100), IN value INT", String.join("\n",
        "  IF name NOT IN (" + (g.delayArgument ? "'binlog retention hours', 'source delay', 'target delay'"
            : "'binlog retention hours'") + ") THEN",
        "    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Invalid configuration parameter';",
        "  END IF;",
        "  IF name = 'binlog retention hours' AND value IS NOT NULL AND (value < 1 OR value > " + g.maxRetentionHours + ") THEN",
        "    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'binlog retention hours must be between 1 and "
            + g.maxRetentionHours + " (or NULL)';",
        "  END IF;",
        "  UPDATE mysql.rds_configuration c SET c.value = IF(value IS NULL, NULL, CAST(value AS CHAR)) WHERE c.name = name;")));
    out.add(proc("rds_show_configuration", "",
        "  SELECT c.name, c.value, c.description FROM mysql.rds_configuration c ORDER BY c.name;"));

    // Start, stop, skip: both generations.
    out.add(proc("rds_start_replication", "", "  START REPLICA;\n  SELECT 'Replica running normally.' AS Message;"));
    out.add(proc("rds_stop_replication", "", "  STOP REPLICA;\n  SELECT 'Replica is now down or disabled.' AS Message;"));
    out.add(proc("rds_skip_repl_error", "", String.join("\n",
        "  IF @@GLOBAL.gtid_mode = 'ON' THEN",
        "    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'rds_skip_repl_error: with GTID replication skip the transaction"
            + " (rds_skip_transaction_with_gtid); this stand-in supports file/position replication only';",
        "  END IF;",
        "  STOP REPLICA;",
        "  SET GLOBAL sql_replica_skip_counter = 1;",
        "  START REPLICA;",
        "  SELECT 'Statement in error has been skipped.' AS Message;")));

    for (String kind : names(g)) {
      String setExternal = "rds_set_external_" + kind;
      out.add(proc(setExternal, SET_EXTERNAL_ARGS, changeSource(
          "', SOURCE_LOG_FILE = ', QUOTE(mysql_binary_log_file_name), ', SOURCE_LOG_POS = ', mysql_binary_log_file_location,"
              + " ', SOURCE_AUTO_POSITION = 0'")));
      String autoArgs = "IN host_name VARCHAR(255), IN host_port INT, IN replication_user_name VARCHAR(255),"
          + " IN replication_user_password VARCHAR(255), IN ssl_encryption INT"
          + (g.delayArgument ? ", IN delay INT" : "");
      out.add(proc(setExternal + "_with_auto_position", autoArgs, changeSource(
          "', SOURCE_AUTO_POSITION = 1'" + (g.delayArgument ? ", ', SOURCE_DELAY = ', IFNULL(delay, 0)" : ""))));
      out.add(proc("rds_reset_external_" + kind, "", "  STOP REPLICA;\n  RESET REPLICA ALL;"));
      String logArg = "source".equals(kind) ? "curr_source_log" : "curr_master_log";
      out.add(proc("rds_next_" + kind + "_log", "IN " + logArg + " INT", String.join("\n",
          "  DECLARE current_file VARCHAR(512);",
          "  SELECT Master_log_name INTO current_file FROM mysql.slave_master_info LIMIT 1;",
          "  IF current_file IS NULL OR LOCATE('.', current_file) = 0 THEN",
          "    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'this instance is not a replica of an external source';",
          "  END IF;",
          "  SET @rds_sql = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE = ', QUOTE(CONCAT(",
          "      SUBSTRING_INDEX(current_file, '.', 1), '.', LPAD(" + logArg + " + 1,"
              + " GREATEST(6, CHAR_LENGTH(SUBSTRING_INDEX(current_file, '.', -1))), '0'))), ', SOURCE_LOG_POS = 4');",
          "  STOP REPLICA;",
          "  PREPARE rds_stmt FROM @rds_sql;",
          "  EXECUTE rds_stmt;",
          "  DEALLOCATE PREPARE rds_stmt;")));
      String modeName = "source".equals(kind) ? "rds_set_source_auto_position" : "rds_set_master_auto_position";
      out.add(proc(modeName, "IN auto_position_mode INT", String.join("\n",
          "  STOP REPLICA;",
          "  SET @rds_sql = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = ', IF(auto_position_mode = 1, 1, 0));",
          "  PREPARE rds_stmt FROM @rds_sql;",
          "  EXECUTE rds_stmt;",
          "  DEALLOCATE PREPARE rds_stmt;",
          "  START REPLICA;")));
    }
    out.add(proc("rds_skip_transaction_with_gtid", "IN gtid_to_skip VARCHAR(120)", String.join("\n",
        "  STOP REPLICA;",
        "  SET @rds_sql = CONCAT('SET GTID_NEXT = ', QUOTE(gtid_to_skip));",
        "  PREPARE rds_stmt FROM @rds_sql;",
        "  EXECUTE rds_stmt;",
        "  DEALLOCATE PREPARE rds_stmt;",
        "  START TRANSACTION;",
        "  COMMIT;",
        "  SET GTID_NEXT = 'AUTOMATIC';")));
    if (g == Generation.AURORA_MYSQL_3) {
      out.add(proc("rds_set_read_only", "IN mode INT",
          "  SET GLOBAL read_only = IF(mode = 1, 1, 0);"));
      // Aurora MySQL 3: adds a GTID set to gtid_purged (what a logical copy's source had executed).
      out.add(proc("rds_gtid_purged", "IN gtid_set TEXT", String.join("\n",
          "  SET @rds_sql = CONCAT('SET @@GLOBAL.gtid_purged = ', QUOTE(CONCAT('+', gtid_set)));",
          "  PREPARE rds_stmt FROM @rds_sql;",
          "  EXECUTE rds_stmt;",
          "  DEALLOCATE PREPARE rds_stmt;")));
    }
    return out;
  }

  private static List<String> names(Generation g) {
    List<String> l = new ArrayList<>();
    if (g.sourceNames) l.add("source");
    if (g.masterNames) l.add("master");
    return l;
  }

  /** CHANGE REPLICATION SOURCE TO the procedure's host, port, user, password, SSL flag and {@code rest} (CONCAT arguments). */
  private static String changeSource(String rest) {
    return String.join("\n",
        "  SET @rds_sql = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_HOST = ', QUOTE(host_name), ', SOURCE_PORT = ', host_port,",
        "      ', SOURCE_USER = ', QUOTE(replication_user_name), ', SOURCE_PASSWORD = ', QUOTE(replication_user_password),",
        "      ', SOURCE_CONNECT_RETRY = 1, SOURCE_SSL = ', IF(ssl_encryption = 1, 1, 0), ', SOURCE_SSL_VERIFY_SERVER_CERT = 0',",
        "      " + rest + ");",
        "  PREPARE rds_stmt FROM @rds_sql;",
        "  EXECUTE rds_stmt;",
        "  DEALLOCATE PREPARE rds_stmt;",
        "  SET @rds_sql = NULL;");
  }

  private static String proc(String name, String args, String body) {
    return "CREATE DEFINER = " + AuroraLikeMySql.RDS_ADMIN + " PROCEDURE mysql." + name + "(" + args + ")\n"
        + "SQL SECURITY DEFINER\nBEGIN\n" + body + "\nEND";
  }
}
