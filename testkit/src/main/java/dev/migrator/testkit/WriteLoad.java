package dev.migrator.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A continuous write load on one table of a live server, as an application would produce:
 * inserts, updates and deletes through an ordinary (non-admin) account, so that read_only stops
 * it. Records when the first write was refused, which is where the cutover's write downtime
 * begins from the application's point of view.
 */
public final class WriteLoad implements AutoCloseable {
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String table;
  private final long pauseMillis;
  private final Thread thread;
  private volatile boolean running = true;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile long firstRefusedAtMillis;
  private volatile String lastError;

  /**
   * Creates {@code schema.table} if needed, an application account {@code user} allowed to write
   * to it, and starts writing every {@code pauseMillis}.
   */
  public static WriteLoad start(LocalServer db, String schema, String table, String user, long pauseMillis) {
    String pw = "app-" + Long.toHexString(new Random().nextLong());
    db.sql("CREATE DATABASE IF NOT EXISTS `" + schema + "`",
        "CREATE TABLE IF NOT EXISTS `" + schema + "`.`" + table + "` (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
            + " account INT NOT NULL, amount DECIMAL(12,2) NOT NULL, note VARCHAR(64) CHARACTER SET utf8mb4,"
            + " updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB",
        "CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + pw + "'",
        "ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + pw + "'",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON `" + schema + "`.* TO '" + user + "'@'%'");
    return new WriteLoad(db.jdbcUrl(schema), user, pw, "`" + schema + "`.`" + table + "`", pauseMillis);
  }

  private WriteLoad(String jdbcUrl, String user, String password, String table, long pauseMillis) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.table = table;
    this.pauseMillis = pauseMillis;
    this.thread = new Thread(this::loop, "write-load-" + table);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    Random rnd = new Random(42);
    Connection c = null;
    while (running) {
      try {
        if (c == null || c.isClosed()) {
          c = DriverManager.getConnection(jdbcUrl, user, password);
          c.setAutoCommit(true);
        }
        int op = rnd.nextInt(10);
        if (op < 6) {
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO " + table + " (account, amount, note) VALUES (?, ?, ?)")) {
            ps.setInt(1, rnd.nextInt(1000));
            ps.setBigDecimal(2, java.math.BigDecimal.valueOf(rnd.nextInt(1_000_000), 2));
            ps.setString(3, "w" + writes.get() + (op == 0 ? " \u00e9\u00e8 \uD83D\uDE80" : ""));
            ps.executeUpdate();
          }
        } else if (op < 9) {
          try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET amount = amount + 1, note = CONCAT('u', id)"
                + " ORDER BY RAND() LIMIT 1");
          }
        } else {
          try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + table + " ORDER BY id LIMIT 1");
          }
        }
        writes.incrementAndGet();
      } catch (SQLException e) {
        lastError = e.getMessage();
        if (e.getErrorCode() == 1290 || e.getErrorCode() == 1836) { // read-only
          if (refused.getAndIncrement() == 0) firstRefusedAtMillis = System.currentTimeMillis();
        } else {
          try {
            if (c != null) c.close();
          } catch (SQLException ignored) {
            // reconnect next round
          }
          c = null;
        }
      }
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        break;
      }
    }
    try {
      if (c != null) c.close();
    } catch (SQLException ignored) {
      // closing
    }
  }

  public long writes() {
    return writes.get();
  }

  public long refused() {
    return refused.get();
  }

  public long firstRefusedAtMillis() {
    return firstRefusedAtMillis;
  }

  public String lastError() {
    return lastError;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
