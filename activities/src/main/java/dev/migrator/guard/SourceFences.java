package dev.migrator.guard;

import dev.migrator.mysql.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Global read locks the cutover holds on sources across several activities: FLUSH TABLES WITH READ
 * LOCK lasts as long as its session, so the worker keeps that session open here after the activity
 * that took it has returned. Any worker releases it by killing the session (see
 * CutoverActivities.releaseSourceFence); if this worker dies, the session dies and the server
 * releases the lock by itself. Every lock is released after a deadline even if nobody asks, so a
 * lost workflow never leaves a production server locked.
 */
public final class SourceFences {
  private static final Logger log = LoggerFactory.getLogger(SourceFences.class);
  private static final Map<String, Held> HELD = new ConcurrentHashMap<>();
  private static final ScheduledExecutorService EXPIRY = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "migrator-source-fence-expiry");
    t.setDaemon(true);
    return t;
  });

  private record Held(Connection connection, long connectionId, ScheduledFuture<?> expiry) {}

  /** Opens a session on demand. */
  public interface SessionOpener {
    Connection open() throws SQLException;
  }

  private SourceFences() {}

  /**
   * Takes (or returns the one already held under {@code key}) a global read lock in a session kept
   * open for at most {@code holdSeconds}; returns that session's CONNECTION_ID(). Waits at most
   * {@code lockWaitSeconds} for running statements (ERROR 1205 after that).
   */
  public static long lock(String key, SessionOpener opener, int lockWaitSeconds, int holdSeconds) throws SQLException {
    Held held = HELD.get(key);
    if (held != null) {
      if (alive(held.connection)) return held.connectionId;
      forget(key);
    }
    Connection c = opener.open();
    try {
      Jdbc.exec(c, "SET SESSION lock_wait_timeout = " + Math.max(1, lockWaitSeconds));
      Jdbc.exec(c, "FLUSH TABLES WITH READ LOCK");
      long id = Long.parseLong(Jdbc.scalar(c, "SELECT CONNECTION_ID()"));
      ScheduledFuture<?> expiry = EXPIRY.schedule(() -> {
        log.warn("global read lock {} (session {}) released after {} s: nobody released it", key, id, holdSeconds);
        forget(key);
      }, holdSeconds, TimeUnit.SECONDS);
      HELD.put(key, new Held(c, id, expiry));
      return id;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** Closes the locking session if this worker holds it (the lock goes with it). Idempotent. */
  public static void forget(String key) {
    Held held = HELD.remove(key);
    if (held == null) return;
    held.expiry.cancel(false);
    closeQuietly(held.connection);
  }

  /** Whether this worker holds a lock under {@code key} (tests). */
  public static boolean holds(String key) {
    return HELD.containsKey(key);
  }

  private static boolean alive(Connection c) {
    try {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // the session is gone either way
    }
  }
}
