package dev.migrator.worker;

import dev.migrator.testkit.LocalMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application that inserts a numbered row every few milliseconds into whichever server is its
 * primary, and remembers every insert the server acknowledged (the commit returned). It follows a
 * traffic switch the way a DNS change or a proxy would: once {@code switchFile} exists, new
 * connections go to the target. Its account may be privileged (able to write through read_only).
 * "Nothing lost" means: every acknowledged number is on the final primary.
 */
final class AcknowledgedWriter implements AutoCloseable {
  private final LocalMariaDb source;
  private final LocalMariaDb target;
  private final String user;
  private final String password;
  private final Path switchFile;
  private final Thread thread;
  private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
  private final AtomicLong onSource = new AtomicLong();
  private final AtomicLong onTarget = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean running = true;
  private volatile boolean held;
  private volatile String lastError;

  /** The table it writes: shop.ledger (seq BIGINT PRIMARY KEY, written_to VARCHAR(8)). */
  static void createTable(LocalMariaDb db) {
    db.sql("CREATE TABLE IF NOT EXISTS shop.ledger (seq BIGINT PRIMARY KEY, written_to VARCHAR(8)) ENGINE=InnoDB");
  }

  /**
   * An account on both servers (not binlogged, so replication does not carry it) that may write to
   * shop: with READ_ONLY ADMIN when {@code privileged}, which MariaDB 10.11's read_only lets through.
   */
  static void createAccount(List<LocalMariaDb> servers, String user, String password, boolean privileged) {
    for (LocalMariaDb db : servers) {
      db.sql("SET SESSION sql_log_bin = 0",
          "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
          "GRANT SELECT, INSERT ON shop.* TO '" + user + "'@'%'");
      if (privileged) db.sql("SET SESSION sql_log_bin = 0", "GRANT READ_ONLY ADMIN ON *.* TO '" + user + "'@'%'");
    }
  }

  AcknowledgedWriter(LocalMariaDb source, LocalMariaDb target, String user, String password, Path switchFile,
      long pauseMillis) {
    this.source = source;
    this.target = target;
    this.user = user;
    this.password = password;
    this.switchFile = switchFile;
    this.thread = new Thread(() -> loop(pauseMillis), "acknowledged-writer");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(long pauseMillis) {
    long seq = 0;
    Connection c = null;
    boolean connectedToTarget = false;
    while (running) {
      if (held) {
        sleep(20);
        continue;
      }
      try {
        if (c == null) {
          connectedToTarget = Files.exists(switchFile);
          c = DriverManager.getConnection((connectedToTarget ? target : source).jdbcUrl("shop"), user, password);
        }
        long n = ++seq;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shop.ledger (seq, written_to) VALUES (?, ?)")) {
          ps.setLong(1, n);
          ps.setString(2, connectedToTarget ? "target" : "source");
          ps.executeUpdate(); // autocommit: returned = acknowledged
        }
        acknowledged.add(n);
        (connectedToTarget ? onTarget : onSource).incrementAndGet();
      } catch (SQLException e) {
        lastError = e.getMessage();
        failed.incrementAndGet();
        closeQuietly(c);
        c = null; // reconnect: to the target once traffic is switched
      }
      sleep(pauseMillis);
    }
    closeQuietly(c);
  }

  /** Stops writing (an operator stopped the job) until {@link #resume}; its idle connection stays. */
  void hold() {
    held = true;
  }

  void resume() {
    held = false;
  }

  Set<Long> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  long writesOnSource() {
    return onSource.get();
  }

  long writesOnTarget() {
    return onTarget.get();
  }

  long failures() {
    return failed.get();
  }

  String lastError() {
    return lastError;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // reconnecting
    }
  }
}
