package dev.migrator.impl;

import dev.migrator.model.Endpoint;
import dev.migrator.model.ReadOnlyHook;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

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
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", h.command).redirectErrorStream(true);
    pb.environment().put("MIGRATOR_MIGRATION_ID", migrationId == null ? "" : migrationId);
    pb.environment().put("MIGRATOR_ENDPOINT", e.address());
    pb.environment().put("MIGRATOR_ROLE", role);
    pb.environment().put("MIGRATOR_READ_ONLY", readOnly ? "1" : "0");
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw ApplicationFailure.newFailure(role + " read-only hook timed out after 5 minutes", "ReadOnlyHook");
      }
      if (p.exitValue() != 0) {
        throw ApplicationFailure.newFailure(role + " read-only hook exited " + p.exitValue() + ": "
            + (out.length() > 500 ? out.substring(out.length() - 500) : out), "ReadOnlyHook");
      }
    } catch (IOException ex) {
      throw ApplicationFailure.newFailure(role + " read-only hook could not start: " + ex.getMessage(), "ReadOnlyHook");
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "ReadOnlyHook");
    }
  }

  private void webhook(String migrationId, String role, Endpoint e, ReadOnlyHook h, boolean readOnly) {
    String body = "{\"migrationId\":\"" + (migrationId == null ? "" : migrationId.replace("\"", "\\\"")) + "\",\"role\":\""
        + role + "\",\"endpoint\":\"" + e.address() + "\",\"readOnly\":" + readOnly + "}";
    try {
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(h.url)).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() / 100 != 2) {
        throw ApplicationFailure.newFailure(role + " read-only webhook answered HTTP " + res.statusCode(), "ReadOnlyHook");
      }
    } catch (IOException ex) {
      throw ApplicationFailure.newFailure(role + " read-only webhook failed: " + ex.getMessage(), "ReadOnlyHook");
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "ReadOnlyHook");
    } catch (IllegalArgumentException ex) {
      throw ApplicationFailure.newNonRetryableFailure(role + ".readOnlyHook.url is not a valid URL", "InvalidRequest");
    }
  }
}
