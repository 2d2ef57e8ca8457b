package dev.migrator.workflow.checklist;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

/** Turns Temporal failure chains into the one message an operator needs. */
public final class Failures {
  private Failures() {}

  /** The ApplicationFailure type at the root of a failure chain, or null. */
  public static String type(Throwable t) {
    Throwable c = t;
    while (c != null && !(c instanceof ApplicationFailure)) c = c.getCause();
    return c == null ? null : ((ApplicationFailure) c).getType();
  }

  public static String describe(Throwable t) {
    Throwable c = t;
    while (c instanceof ActivityFailure && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof ApplicationFailure af) {
      return af.getOriginalMessage();
    }
    if (c instanceof TemporalFailure tf) {
      String m = tf.getOriginalMessage();
      return c.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
    }
    return String.valueOf(c.getMessage());
  }
}
