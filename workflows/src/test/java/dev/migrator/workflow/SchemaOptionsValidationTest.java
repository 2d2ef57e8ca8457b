package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.migrator.model.MigrationRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaOptionsValidationTest {
  @Test
  void definerPolicyDefaultsToStripAndAcceptsOnlyTheThreePolicies() {
    MigrationRequest r = ReplicationOptionsValidationTest.request();
    assertEquals("strip", r.schemaOptions.definer);
    for (String policy : List.of("strip", "keep", "rewrite")) {
      r.schemaOptions.definer = policy;
      assertEquals(List.of(), RequestValidator.problems(r), policy);
    }
    r.schemaOptions.definer = "drop";
    assertEquals(List.of("schemaOptions.definer must be one of [strip, keep, rewrite], not 'drop'"), RequestValidator.problems(r));
    r.schemaOptions = null;
    assertEquals(List.of("schemaOptions must be an object (or left out for the defaults)"), RequestValidator.problems(r));
  }
}
