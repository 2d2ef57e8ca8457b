package dev.migrator.worker;

import com.sun.net.httpserver.HttpServer;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.migrator.workflow.MigrationSearchAttributes;
import dev.migrator.workflow.MigrationWorkflow;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Prometheus endpoint ({@code GET /metrics}): the Temporal SDK's own metrics (tally,
 * reported to Micrometer by {@code MicrometerClientStatsReporter}), the activities' migrator_*
 * metrics (recorded on the same scope, see {@code MigrationMetrics}), and gauges of running and
 * paused migrations counted from visibility every 15 s.
 */
public final class WorkerMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerMetrics.class);

  private final PrometheusMeterRegistry registry;
  private final Scope scope;
  private final HttpServer http;
  private ScheduledExecutorService poller;

  private WorkerMetrics(PrometheusMeterRegistry registry, Scope scope, HttpServer http) {
    this.registry = registry;
    this.scope = scope;
    this.http = http;
  }

  /** Starts the endpoint on host:port (port 0 = a free one). */
  public static WorkerMetrics start(String host, int port) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Scope scope = new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(1));
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
      http.createContext("/metrics", exchange -> {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      http.start();
      return new WorkerMetrics(registry, scope, http);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port, e);
    }
  }

  /** The tally scope to give the service stubs (WorkflowServiceStubsOptions.setMetricsScope). */
  public Scope scope() {
    return scope;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  public String url() {
    return "http://" + http.getAddress().getHostString() + ":" + port() + "/metrics";
  }

  /** Gauges migrator_migrations_running / _paused, from visibility counts (every 15 s). */
  public void countMigrations(WorkflowClient client) {
    AtomicLong running = new AtomicLong(-1);
    AtomicLong paused = new AtomicLong(-1);
    Gauge.builder("migrator_migrations_running", running, AtomicLong::get)
        .description("running migrations in the namespace (-1: unknown)").register(registry);
    Gauge.builder("migrator_migrations_paused", paused, AtomicLong::get)
        .description("running migrations paused on an error or by an operator (-1: unknown)").register(registry);
    String base = "WorkflowType = '" + MigrationWorkflow.WORKFLOW_TYPE + "' AND ExecutionStatus = 'Running'";
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "migrator-metrics-visibility");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(() -> {
      try {
        running.set(client.countWorkflows(base).getCount());
        paused.set(client.countWorkflows(base + " AND " + MigrationSearchAttributes.PAUSED.getName() + " = true")
            .getCount());
      } catch (RuntimeException e) {
        // The Java test server has no count API; a real server may be briefly unreachable.
        log.debug("counting migrations failed: {}", e.toString());
      }
    }, 0, 15, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (poller != null) poller.shutdownNow();
    http.stop(0);
    try {
      scope.close();
    } catch (Exception e) {
      log.debug("closing the metrics scope: {}", e.toString());
    }
    registry.close();
  }
}
