package dev.migrator.worker;

import dev.migrator.testkit.temporal.TemporalDevServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.workflow.MigrationSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dev server starts on 127.0.0.1 with migrator's search attributes registered. */
class TemporalDevServerTest {
  @Test
  void startsWithSearchAttributes() {
    assumeTrue(TemporalDevServer.findBinary().isPresent() || TemporalDevServer.required(),
        TemporalDevServer.missingMessage());
    try (TemporalDevServer server = TemporalDevServer.start()) {
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(server.target()).build());
      try {
        Map<String, IndexedValueType> custom = OperatorServiceGrpc.newBlockingStub(stubs.getRawChannel())
            .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace("default").build())
            .getCustomAttributesMap();
        MigrationSearchAttributes.DEFINITIONS.forEach((name, type) -> assertEquals(type, custom.get(name), name));
      } finally {
        stubs.shutdownNow();
      }
    }
  }

  @Test
  void workerRegistersMissingSearchAttributes() {
    assumeTrue(TemporalDevServer.findBinary().isPresent() || TemporalDevServer.required(),
        TemporalDevServer.missingMessage());
    try (TemporalDevServer server = TemporalDevServer.start(TemporalDevServer.findBinary().orElseThrow(),
            TemporalDevServer.freePort(), TemporalDevServer.freePort(), false);
        MigratorWorker worker = MigratorWorker.start(new WorkerConfig().target(server.target()))) {
      Map<String, IndexedValueType> custom = OperatorServiceGrpc
          .newBlockingStub(worker.client().getWorkflowServiceStubs().getRawChannel())
          .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace("default").build())
          .getCustomAttributesMap();
      MigrationSearchAttributes.DEFINITIONS.forEach((name, type) -> assertEquals(type, custom.get(name), name));
    }
  }
}
