package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrator.model.FailureType;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.MigrationStatus;
import dev.migrator.model.Step;
import dev.migrator.model.StepState;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request started from the {@code temporal} CLI or the Web UI (raw JSON, no CLI check) with a
 * misspelt field or a value of the wrong type: the workflow decodes it anyway and fails at step 0
 * with the field-level messages the CLI gives, naming the fix; no activity runs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LenientInputWorkflowTest {
  private WorkflowTestKit kit;

  @BeforeEach
  void setUp() {
    kit = new WorkflowTestKit();
  }

  @AfterEach
  void tearDown() {
    kit.close();
  }

  /** Starts the workflow untyped with {@code json} as its one argument. */
  private WorkflowStub startRaw(String json) {
    WorkflowStub stub = kit.client.newUntypedWorkflowStub(MigrationWorkflow.WORKFLOW_TYPE,
        WorkflowOptions.newBuilder().setTaskQueue(WorkflowTestKit.QUEUE).setWorkflowId(WorkflowTestKit.WORKFLOW_ID).build());
    try {
      stub.start(new ObjectMapper().readTree(json)); // sent as this JSON, like the temporal CLI's --input
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    return stub;
  }

  @Test
  void aMisspeltFieldAndAWrongTypeFailAtValidateWithTheCliMessages() {
    String json = "{\"migrationId\": \"from-the-ui\","
        + " \"source\": {\"host\": \"source.example\", \"port\": \"abc\", \"user\": \"admin\","
        + " \"password\": \"env:SOURCE_DB_PASSWORD\"},"
        + " \"target\": {\"host\": \"target.example\", \"port\": 3306, \"user\": \"admin\","
        + " \"password\": \"env:TARGET_DB_PASSWORD\"},"
        + " \"shemas\": [\"shop\"], \"rehearsal\": \"yes\", \"replication\": {\"password\": \"env:REPL_PASSWORD\"}}";
    WorkflowStub stub = startRaw(json);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> stub.getResult(Object.class));
    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureType.INVALID_REQUEST.type(), f.getType());
    String msg = f.getOriginalMessage();
    assertTrue(msg.contains("unknown field 'shemas': did you mean 'schemas'?"), msg);
    assertTrue(msg.contains("source.port must be a number, not \"abc\""), msg);
    assertTrue(msg.contains("rehearsal must be true or false, not \"yes\""), msg);
    assertTrue(msg.contains("Fix: correct the field(s) named in the request and start a new migration"), msg);
    assertFalse(msg.contains("schemas must"), "no complaint about the defaults of fields that could not be read: " + msg);

    MigrationStatus s = stub.query("status", MigrationStatus.class);
    StepState validate = WorkflowTestKit.step(s, Step.VALIDATE);
    assertEquals(StepState.FAILED, validate.state);
    assertTrue(validate.detail.contains("unknown field 'shemas'"), validate.detail);
    assertEquals("from-the-ui", s.migrationId);
    assertEquals(List.of(), kit.fakes.journal.calls(), "nothing ran");
    assertEquals("failed", WorkflowStub.fromTyped(kit.client.newWorkflowStub(MigrationWorkflow.class,
        WorkflowTestKit.WORKFLOW_ID)).describe().getTypedSearchAttributes().get(MigrationSearchAttributes.PHASE));
  }

  @Test
  void aPasswordOfTheWrongTypeIsNotEchoed() {
    WorkflowStub stub = startRaw("{\"source\": {\"host\": \"s\", \"port\": 3306, \"password\": {\"literal\": \"hunter2\"}},"
        + " \"target\": {\"host\": \"t\"}, \"schemas\": [\"shop\"]}");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> stub.getResult(Object.class));
    String msg = assertInstanceOf(ApplicationFailure.class, e.getCause()).getOriginalMessage();
    assertTrue(msg.contains("source.password must be a string, not an object"), msg);
    assertFalse(msg.contains("hunter2"), msg);
  }

  @Test
  void aValidRequestReadsAsBefore() throws Exception {
    MigrationRequest r = WorkflowTestKit.request();
    r.pauseBefore = List.of("cutover");
    String json = new ObjectMapper().writeValueAsString(r);
    MigrationRequest back = new ObjectMapper().readValue(json, MigrationRequest.class);
    assertEquals(List.of(), back.inputProblems);
    assertEquals(json, new ObjectMapper().writeValueAsString(back));
    assertFalse(json.contains("inputProblems"), json);
  }
}
