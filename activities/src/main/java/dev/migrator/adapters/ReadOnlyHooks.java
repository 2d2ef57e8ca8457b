package dev.migrator.adapters;

import dev.migrator.model.Endpoint;
import dev.migrator.model.ReadOnlyHook;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.Parameter;

/**
 * Stops and restarts writes on endpoints where SET GLOBAL read_only is not possible: RDS/Aurora
 * through the (cluster) parameter group's dynamic read_only parameter, or a command or webhook.
 * Every call states the wanted value, so repeating it is harmless.
 */
public class ReadOnlyHooks {
  private final Supplier<RdsClient> rds;

  public ReadOnlyHooks(Supplier<RdsClient> rds) {
    this.rds = rds;
  }

  public void setReadOnly(String migrationId, String role, Endpoint e, boolean readOnly) {
    ReadOnlyHook h = e.readOnlyHook;
    String type = h.type == null ? "" : h.type;
    switch (type) {
      case "parameter-group" -> parameterGroup(role, h, readOnly);
      case "command" -> command(migrationId, role, e, h, readOnly);
      case "webhook" -> webhook(migrationId, role, e, h, readOnly);
      default -> throw ApplicationFailure.newNonRetryableFailure(role + ".readOnlyHook.type '" + type
          + "' is unknown: use parameter-group, command or webhook", "InvalidRequest");
    }
  }

  private void parameterGroup(String role, ReadOnlyHook h, boolean readOnly) {
    if (h.parameterGroup == null || h.parameterGroup.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(role + ".readOnlyHook.parameterGroup is empty", "InvalidRequest");
    }
    Parameter p = Parameter.builder().parameterName("read_only").parameterValue(readOnly ? "1" : "0")
        .applyMethod(ApplyMethod.IMMEDIATE).build();
    if (h.cluster) {
      rds.get().modifyDBClusterParameterGroup(ModifyDbClusterParameterGroupRequest.builder()
          .dbClusterParameterGroupName(h.parameterGroup).parameters(p).build());
    } else {
      rds.get().modifyDBParameterGroup(ModifyDbParameterGroupRequest.builder()
          .dbParameterGroupName(h.parameterGroup).parameters(p).build());
    }
  }

  private static void command(String migrationId, String role, Endpoint e, ReadOnlyHook h, boolean readOnly) {
    if (h.command == null || h.command.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(role + ".readOnlyHook.command is empty", "InvalidRequest");
    }
    Hooks.command(role + " read-only hook", h.command, Map.of(
        "MIGRATOR_MIGRATION_ID", migrationId == null ? "" : migrationId,
        "MIGRATOR_ENDPOINT", e.address(),
        "MIGRATOR_ROLE", role,
        "MIGRATOR_READ_ONLY", readOnly ? "1" : "0"));
  }

  private static void webhook(String migrationId, String role, Endpoint e, ReadOnlyHook h, boolean readOnly) {
    Hooks.postJson(role + " read-only hook", h.url, "{\"migrationId\":\"" + Hooks.json(migrationId) + "\",\"role\":\""
        + role + "\",\"endpoint\":\"" + Hooks.json(e.address()) + "\",\"readOnly\":" + readOnly + "}");
  }
}
