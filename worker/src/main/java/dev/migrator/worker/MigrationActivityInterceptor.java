package dev.migrator.worker;

import dev.migrator.metrics.MigrationMetrics;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Duration;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Around every activity: puts the migration id (the workflow id) and the activity type in the
 * logging MDC ({@code migrationId}, {@code activity}), and records how long the activity ran
 * (migrator_activity_duration) and whether it failed (migrator_activity_failures), per migration and
 * activity — the worker-side view of step durations.
 */
public final class MigrationActivityInterceptor extends WorkerInterceptorBase {
  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        String migration = context.getInfo().getWorkflowId();
        String activity = context.getInfo().getActivityType();
        MDC.put("migrationId", migration);
        MDC.put("activity", activity);
        long t0 = System.nanoTime();
        boolean ok = false;
        try {
          ActivityOutput out = super.execute(input);
          ok = true;
          return out;
        } finally {
          var scope = context.getMetricsScope().tagged(Map.of("migration", migration, "activity", activity));
          scope.timer(MigrationMetrics.ACTIVITY_DURATION).record(
              com.uber.m3.util.Duration.ofNanos(Duration.ofNanos(System.nanoTime() - t0).toNanos()));
          if (!ok) scope.counter(MigrationMetrics.ACTIVITY_FAILURES).inc(1);
          MDC.remove("migrationId");
          MDC.remove("activity");
        }
      }
    };
  }
}
