package dev.migrator.workflow;

import dev.migrator.model.FailureType;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * How activities are called, in one place for the migration and its child workflows: retries
 * (never for the non-retryable {@link FailureType}s), a short profile for quick calls and a long
 * one for steps that heartbeat.
 */
public final class ActivityProfiles {
  private ActivityProfiles() {}

  /** Errors an activity marks as not worth retrying (bad input, missing objects, denied access, ...). */
  public static final String[] NON_RETRYABLE = FailureType.nonRetryable();

  public static final RetryOptions RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(5)
          .setDoNotRetry(NON_RETRYABLE)
          .build();

  /** Quick calls (preflight, retention, traffic switch). */
  public static final ActivityOptions SHORT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setRetryOptions(RETRY)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  /** Accounts (step 5): no heartbeat, but thousands of accounts take longer than a quick call. */
  public static final ActivityOptions ACCOUNTS =
      ActivityOptions.newBuilder(SHORT).setStartToCloseTimeout(Duration.ofMinutes(30)).build();

  /** Long steps heartbeat; a dead worker is noticed within the heartbeat timeout. */
  public static final ActivityOptions LONG =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(48))
          .setHeartbeatTimeout(Duration.ofSeconds(15))
          .setRetryOptions(RETRY)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  /** {@link #LONG} on another task queue (the staged copy's dump and load workers); null = the workflow's. */
  public static ActivityOptions longOn(String taskQueue) {
    if (taskQueue == null || taskQueue.isBlank()) return LONG;
    return ActivityOptions.newBuilder(LONG).setTaskQueue(taskQueue).build();
  }

  /** The catch-up child's lag polls: each waits up to {@code activitySeconds}, then returns. */
  public static ActivityOptions lagPolls(int activitySeconds) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(activitySeconds + 120L))
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RETRY)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .build();
  }
}
