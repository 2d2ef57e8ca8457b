package dev.migrator.mysql;

import dev.migrator.model.Endpoint;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one open-a-connection-and-classify-the-error wrapper of the activities: opens the endpoint,
 * runs the work on a {@link Session}, closes it, and turns a {@link SQLException} into the
 * classified, password-free Temporal failure ({@link MySqlErrors#failure}) naming the role.
 */
public final class Sessions {
  /** Work on one server. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Session s) throws SQLException;
  }

  /** Work with no result. */
  @FunctionalInterface
  public interface Action {
    void apply(Session s) throws SQLException;
  }

  /** Work on two servers at once. */
  @FunctionalInterface
  public interface Work2<T> {
    T apply(Session a, Session b) throws SQLException;
  }

  private final Connector connector;

  public Sessions(Connector connector) {
    this.connector = connector;
  }

  public Connector connector() {
    return connector;
  }

  public <T> T on(String role, Endpoint e, Work<T> work) {
    try (Connection c = connector.open(role, e)) {
      return work.apply(new Session(c, e));
    } catch (SQLException ex) {
      throw MySqlErrors.failure(role, e, ex);
    }
  }

  public void run(String role, Endpoint e, Action work) {
    on(role, e, s -> {
      work.apply(s);
      return null;
    });
  }

  /**
   * Both servers open for the work; an error is reported as {@code blameRole} at {@code blamed}
   * (the side the step is about).
   */
  public <T> T onBoth(String roleA, Endpoint a, String roleB, Endpoint b, String blameRole, Endpoint blamed,
      Work2<T> work) {
    try (Connection ca = connector.open(roleA, a); Connection cb = connector.open(roleB, b)) {
      return work.apply(new Session(ca, a), new Session(cb, b));
    } catch (SQLException ex) {
      throw MySqlErrors.failure(blameRole, blamed, ex);
    }
  }
}
