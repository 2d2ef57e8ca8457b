package dev.migrator.worker;

import dev.migrator.adapters.CopyActivitiesImpl;
import dev.migrator.adapters.CutoverActivitiesImpl;
import dev.migrator.freeze.FreezeConfig;
import dev.migrator.adapters.FreezeActivitiesImpl;
import dev.migrator.adapters.PreflightActivitiesImpl;
import dev.migrator.adapters.ProgressReporter;
import dev.migrator.adapters.ReplicationActivitiesImpl;
import dev.migrator.adapters.RetentionActivitiesImpl;
import dev.migrator.adapters.SchemaActivitiesImpl;
import dev.migrator.adapters.TrafficActivitiesImpl;
import dev.migrator.adapters.VerifyActivitiesImpl;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.secrets.AwsSecretsManagerSource;
import dev.migrator.workflow.MigrationWorkflow;
import dev.migrator.workflow.CatchUpWorkflowImpl;
import dev.migrator.workflow.TableCopyWorkflowImpl;
import dev.migrator.workflow.MigrationSearchAttributes;
import dev.migrator.workflow.MigrationWorkflowImpl;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;

/**
 * The composition root: connects to Temporal, registers the workflow and every activity on the
 * task queue. Configuration comes from {@link WorkerConfig} (environment variables).
 */
public final class MigratorWorker implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MigratorWorker.class);
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final WorkerFactory factory;
  private final WorkerMetrics metrics;

  private MigratorWorker(WorkflowServiceStubs service, WorkflowClient client, WorkerFactory factory,
      WorkerMetrics metrics) {
    this.service = service;
    this.client = client;
    this.factory = factory;
    this.metrics = metrics;
  }

  /** Connects to Temporal at {@code target} (host:port), plaintext, payloads not encrypted. */
  public static WorkflowClient client(String target, String namespace) {
    return client(new TemporalConnection(target, namespace), PayloadEncryptionCodec.none(), null);
  }

  /**
   * Connects with these settings (TLS, mTLS, API key: {@link TemporalConnection}); payloads go
   * through {@code codec} (encrypted when it has a current key, decrypted when it has the key).
   */
  public static WorkflowClient client(TemporalConnection connection, PayloadEncryptionCodec codec) {
    return client(connection, codec, null);
  }

  static WorkflowClient client(TemporalConnection connection, PayloadEncryptionCodec codec, WorkerMetrics metrics) {
    WorkflowServiceStubsOptions.Builder o = connection.serviceStubsOptions();
    if (metrics != null) o.setMetricsScope(metrics.scope());
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(o.build());
    return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace(connection.namespace)
        .setDataConverter(PayloadKeys.dataConverter(codec)).build());
  }

  public static MigratorWorker start(WorkerConfig config) {
    CredentialResolver credentials = credentials();
    TemporalConnection connection = config.connection();
    connection.validate();
    PayloadEncryptionCodec codec = config.payloadKeys.codec(credentials);
    log.info("Temporal at {}; {}", connection.describe(), PayloadKeys.describe(codec));
    WorkerMetrics metrics = config.metricsPort == null ? null
        : WorkerMetrics.start(config.metricsHost, config.metricsPort);
    WorkflowClient client;
    try {
      client = client(connection, codec, metrics);
    } catch (RuntimeException e) {
      if (metrics != null) metrics.close();
      throw e;
    }
    if (config.registerSearchAttributes) ensureSearchAttributes(client);
    WorkerFactory factory = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder()
        .setWorkerInterceptors(new MigrationActivityInterceptor()).build());
    WorkerOptions.Builder options = WorkerOptions.newBuilder()
        .setMaxConcurrentActivityExecutionSize(config.maxConcurrentActivities);
    if (config.disableSticky) {
      // The Java test server can strand a SIGKILLed worker's next task on its sticky queue.
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    Worker worker = factory.newWorker(config.taskQueue, options.build());
    worker.registerWorkflowImplementationTypes(MigrationWorkflowImpl.class, CatchUpWorkflowImpl.class, TableCopyWorkflowImpl.class);
    registerActivities(worker, client, credentials);
    factory.start();
    if (metrics != null) metrics.countMigrations(client);
    return new MigratorWorker(client.getWorkflowServiceStubs(), client, factory, metrics);
  }

  /**
   * Credential references of the activities: env:, file: and secret: (AWS Secrets Manager with the
   * SDK's default region and credential chain, cached for MIGRATOR_SECRET_CACHE_SECONDS). Lazy:
   * the Secrets Manager client is created at the first secret: reference, so a worker without AWS
   * settings runs fine until a request names one.
   */
  public static CredentialResolver credentials() {
    return new CredentialResolver(System.getenv(), AwsSecretsManagerSource.fromEnvironment(System.getenv()));
  }

  /**
   * Adds the migration search attributes the namespace lacks (the workflow's upserts fail without
   * them). Needs operator rights; without them it only warns, and an operator registers them once:
   * {@code temporal operator search-attribute create --name MigrationPhase --type Keyword ...}.
   */
  static void ensureSearchAttributes(WorkflowClient client) {
    String ns = client.getOptions().getNamespace();
    try {
      var ops = operator(client).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS);
      var have = ops.listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(ns).build())
          .getCustomAttributesMap();
      var missing = new java.util.LinkedHashMap<String, io.temporal.api.enums.v1.IndexedValueType>();
      MigrationSearchAttributes.DEFINITIONS.forEach((k, v) -> {
        if (!have.containsKey(k)) missing.put(k, v);
      });
      if (missing.isEmpty()) return;
      operator(client).withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
          .addSearchAttributes(AddSearchAttributesRequest.newBuilder().setNamespace(ns)
              .putAllSearchAttributes(missing).build());
      log.info("registered search attributes {} on namespace {}", missing.keySet(), ns);
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.UNIMPLEMENTED) {
        // The Java test server: LoopbackTestServer registers them itself.
        log.debug("no search attribute API on this server: {}", e.getMessage());
        return;
      }
      log.warn("could not check or register the migration search attributes on namespace {} ({}); "
          + "register them once: {}", ns, e.getMessage(), MigrationSearchAttributes.cliDefinitions());
    } catch (RuntimeException e) {
      log.warn("could not check or register the migration search attributes on namespace {} ({}); "
          + "register them once: {}", ns, e.getMessage(), MigrationSearchAttributes.cliDefinitions());
    }
  }

  /**
   * The operator service on the client's channel, with the client's metadata (the API key's
   * Authorization header): the raw channel alone carries TLS but not the SDK's headers.
   */
  static OperatorServiceGrpc.OperatorServiceBlockingStub operator(WorkflowClient client) {
    WorkflowServiceStubs s = client.getWorkflowServiceStubs();
    var providers = s.getOptions().getGrpcMetadataProviders();
    var stub = OperatorServiceGrpc.newBlockingStub(s.getRawChannel());
    return providers == null || providers.isEmpty() ? stub
        : stub.withInterceptors(new io.temporal.serviceclient.GrpcMetadataProviderInterceptor(providers));
  }

  static void registerActivities(Worker worker, WorkflowClient client, CredentialResolver credentials) {
    Connector connector = new Connector(credentials);
    ProgressReporter progress = (workflowId, p) ->
        client.newWorkflowStub(MigrationWorkflow.class, workflowId).reportCopyProgress(p);
    worker.registerActivitiesImplementations(
        new PreflightActivitiesImpl(connector),
        new RetentionActivitiesImpl(connector),
        new FreezeActivitiesImpl(connector, FreezeConfig.fromEnv()),
        new SchemaActivitiesImpl(connector),
        new dev.migrator.adapters.AccountsActivitiesImpl(connector),
        new CopyActivitiesImpl(connector, progress),
        new dev.migrator.adapters.StagedCopyActivitiesImpl(connector),
        new VerifyActivitiesImpl(connector),
        new ReplicationActivitiesImpl(connector),
        new CutoverActivitiesImpl(connector),
        new dev.migrator.adapters.RedoLogActivitiesImpl(connector),
        // Created on first use only: most migrations never touch Route 53.
        new TrafficActivitiesImpl(software.amazon.awssdk.services.route53.Route53Client::create));
  }

  public WorkflowClient client() {
    return client;
  }

  /** The Prometheus endpoint, when MIGRATOR_METRICS_PORT is set. */
  public java.util.Optional<WorkerMetrics> metrics() {
    return java.util.Optional.ofNullable(metrics);
  }

  @Override
  public void close() {
    factory.shutdownNow();
    factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    service.shutdownNow();
    if (metrics != null) metrics.close();
  }

  /** Runs a worker until the process is stopped. */
  public static void main(String[] args) throws InterruptedException {
    WorkerConfig config = WorkerConfig.fromEnvironment();
    MigratorWorker w = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(w::close));
    System.out.println("migrator worker polling task queue '" + config.taskQueue + "' at "
        + config.connection().describe());
    w.metrics().ifPresent(m -> System.out.println("metrics at " + m.url()));
    Thread.currentThread().join();
  }
}
