package dev.migrator.worker;

import dev.migrator.workflow.MigrationWorkflow;
import java.util.Map;

/** Worker settings, from environment variables (documented in the README and docker-compose.yml). */
public final class WorkerConfig {
  /** TEMPORAL_ADDRESS, host:port of the Temporal frontend. */
  public String temporalTarget = "127.0.0.1:7233";
  /** TEMPORAL_NAMESPACE. */
  public String namespace = "default";
  /** MIGRATOR_TASK_QUEUE. */
  public String taskQueue = MigrationWorkflow.TASK_QUEUE;
  /** MIGRATOR_DISABLE_STICKY=true for the Java test server (see MigratorWorker). */
  public boolean disableSticky = false;
  /** MIGRATOR_MAX_ACTIVITIES: activity slots of this worker. */
  public int maxConcurrentActivities = 16;
  /** MIGRATOR_METRICS_PORT: Prometheus endpoint (/metrics) port; unset = no endpoint, 0 = a free port. */
  public Integer metricsPort;
  /** MIGRATOR_METRICS_HOST: address the endpoint binds to (127.0.0.1; 0.0.0.0 in a container). */
  public String metricsHost = "127.0.0.1";
  /** MIGRATOR_REGISTER_SEARCH_ATTRIBUTES: add missing migration search attributes at start (needs operator rights). */
  public boolean registerSearchAttributes = true;
  /**
   * TLS, mTLS and API key (TEMPORAL_TLS*, TEMPORAL_API_KEY, MIGRATOR_TLS_RELOAD_SECONDS); its address
   * and namespace are replaced by {@link #temporalTarget} and {@link #namespace} (see {@link #connection()}).
   */
  public TemporalConnection temporal = new TemporalConnection();
  /** MIGRATOR_PAYLOAD_KEY, MIGRATOR_PAYLOAD_KEY_ID, MIGRATOR_PAYLOAD_DECRYPT_KEYS: payload encryption. */
  public PayloadKeys payloadKeys = PayloadKeys.none();

  public static WorkerConfig fromEnvironment() {
    return from(System.getenv());
  }

  public static WorkerConfig from(Map<String, String> env) {
    WorkerConfig c = new WorkerConfig();
    c.temporal = TemporalConnection.fromEnvironment(env);
    c.temporalTarget = c.temporal.address;
    c.namespace = c.temporal.namespace;
    c.payloadKeys = PayloadKeys.fromEnvironment(env);
    c.taskQueue = env.getOrDefault("MIGRATOR_TASK_QUEUE", c.taskQueue);
    c.disableSticky = Boolean.parseBoolean(env.getOrDefault("MIGRATOR_DISABLE_STICKY", "false"));
    c.maxConcurrentActivities = Integer.parseInt(env.getOrDefault("MIGRATOR_MAX_ACTIVITIES", "16"));
    String mp = env.get("MIGRATOR_METRICS_PORT");
    if (mp != null && !mp.isBlank()) c.metricsPort = Integer.parseInt(mp.trim());
    c.metricsHost = env.getOrDefault("MIGRATOR_METRICS_HOST", c.metricsHost);
    c.registerSearchAttributes =
        Boolean.parseBoolean(env.getOrDefault("MIGRATOR_REGISTER_SEARCH_ATTRIBUTES", "true"));
    return c;
  }

  /** The Temporal connection: {@link #temporal}'s security with this config's address and namespace. */
  public TemporalConnection connection() {
    TemporalConnection c = temporal.copy();
    c.address = temporalTarget;
    c.namespace = namespace;
    return c;
  }

  public WorkerConfig target(String t) {
    temporalTarget = t;
    return this;
  }

  public WorkerConfig metrics(int port) {
    metricsPort = port;
    return this;
  }

  public WorkerConfig noSticky() {
    disableSticky = true;
    return this;
  }
}
