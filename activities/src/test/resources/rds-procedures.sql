-- Test fixture: stand-ins for the RDS/Aurora replication procedures, installed in the `mysql`
-- schema of a local MariaDB target so that the RDS code path runs for real. Same names and
-- argument lists as on RDS for MySQL / Aurora MySQL; each does what the RDS procedure does with
-- the statements a MariaDB replica understands. Statements are separated by lines of "$$".
DROP PROCEDURE IF EXISTS mysql.rds_set_external_master
$$
CREATE PROCEDURE mysql.rds_set_external_master(IN host_name VARCHAR(255), IN host_port INT,
    IN replication_user_name VARCHAR(255), IN replication_user_password VARCHAR(255),
    IN mysql_binary_log_file_name VARCHAR(255), IN mysql_binary_log_file_location BIGINT, IN ssl_encryption INT)
BEGIN
  SET @rds_sql = CONCAT('CHANGE MASTER TO MASTER_HOST = ', QUOTE(host_name), ', MASTER_PORT = ', host_port,
      ', MASTER_USER = ', QUOTE(replication_user_name), ', MASTER_PASSWORD = ', QUOTE(replication_user_password),
      ', MASTER_LOG_FILE = ', QUOTE(mysql_binary_log_file_name), ', MASTER_LOG_POS = ', mysql_binary_log_file_location,
      ', MASTER_USE_GTID = no, MASTER_CONNECT_RETRY = 1, MASTER_SSL = ', IF(ssl_encryption = 1, 1, 0));
  PREPARE rds_stmt FROM @rds_sql;
  EXECUTE rds_stmt;
  DEALLOCATE PREPARE rds_stmt;
END
$$
DROP PROCEDURE IF EXISTS mysql.rds_set_external_master_with_auto_position
$$
CREATE PROCEDURE mysql.rds_set_external_master_with_auto_position(IN host_name VARCHAR(255), IN host_port INT,
    IN replication_user_name VARCHAR(255), IN replication_user_password VARCHAR(255), IN ssl_encryption INT)
BEGIN
  SET @rds_sql = CONCAT('CHANGE MASTER TO MASTER_HOST = ', QUOTE(host_name), ', MASTER_PORT = ', host_port,
      ', MASTER_USER = ', QUOTE(replication_user_name), ', MASTER_PASSWORD = ', QUOTE(replication_user_password),
      ', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1, MASTER_SSL = ', IF(ssl_encryption = 1, 1, 0));
  PREPARE rds_stmt FROM @rds_sql;
  EXECUTE rds_stmt;
  DEALLOCATE PREPARE rds_stmt;
END
$$
DROP PROCEDURE IF EXISTS mysql.rds_start_replication
$$
CREATE PROCEDURE mysql.rds_start_replication()
BEGIN
  START SLAVE;
END
$$
DROP PROCEDURE IF EXISTS mysql.rds_stop_replication
$$
CREATE PROCEDURE mysql.rds_stop_replication()
BEGIN
  STOP SLAVE;
END
$$
DROP PROCEDURE IF EXISTS mysql.rds_reset_external_master
$$
CREATE PROCEDURE mysql.rds_reset_external_master()
BEGIN
  STOP SLAVE;
  RESET SLAVE ALL;
END
$$
DROP PROCEDURE IF EXISTS mysql.rds_skip_repl_error
$$
CREATE PROCEDURE mysql.rds_skip_repl_error()
BEGIN
  STOP SLAVE;
  SET GLOBAL sql_slave_skip_counter = 1;
  START SLAVE;
END
$$
DROP PROCEDURE IF EXISTS mysql.rds_next_master_log
$$
CREATE PROCEDURE mysql.rds_next_master_log(IN curr_master_log INT)
BEGIN
  -- RDS source binlogs are mysql-bin-changelog.NNNNNN; the local test source's are mysql-bin.NNNNNN.
  SET @rds_sql = CONCAT('CHANGE MASTER TO MASTER_LOG_FILE = ', QUOTE(CONCAT('mysql-bin.', LPAD(curr_master_log + 1, 6, '0'))),
      ', MASTER_LOG_POS = 4, MASTER_USE_GTID = no');
  STOP SLAVE;
  PREPARE rds_stmt FROM @rds_sql;
  EXECUTE rds_stmt;
  DEALLOCATE PREPARE rds_stmt;
END
$$
