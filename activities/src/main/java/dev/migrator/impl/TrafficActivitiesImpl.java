package dev.migrator.impl;

import dev.migrator.activities.TrafficActivities;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TrafficSwitch;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeBatch;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Moves application traffic at cutover and back on rollback: a Route 53 CNAME (UPSERT to the
 * target, and back to the source host), a shell command, or a webhook. Every action is stated
 * absolutely ("point at X"), so running it twice is harmless.
 */
public class TrafficActivitiesImpl implements TrafficActivities {
  private final Supplier<Route53Client> route53;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public TrafficActivitiesImpl(Supplier<Route53Client> route53) {
    this.route53 = route53;
  }

  @Override
  public String switchTraffic(MigrationRequest r) {
    return apply(r, true);
  }

  @Override
  public void switchTrafficBack(MigrationRequest r) {
    apply(r, false);
  }

  private String apply(MigrationRequest r, boolean forward) {
    TrafficSwitch t = r.cutover.trafficSwitch;
    if (t == null) return "no traffic switch configured";
    String type = t.type == null ? "" : t.type;
    switch (type) {
      case "command":
        String cmd = forward ? t.command : t.undoCommand;
        if (cmd == null || cmd.isBlank()) return "no " + (forward ? "command" : "undoCommand") + " configured";
        return runCommand(r, cmd, forward);
      case "webhook":
        return postWebhook(r, t.url, forward);
      case "route53":
        String value = forward ? (t.targetValue != null ? t.targetValue : r.target.host) : r.source.host;
        return upsertRecord(t, value);
      default:
        throw ApplicationFailure.newNonRetryableFailure("cutover.trafficSwitch.type '" + type
            + "' is unknown: use route53, command or webhook", "InvalidRequest");
    }
  }

  private String runCommand(MigrationRequest r, String cmd, boolean forward) {
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("MIGRATOR_MIGRATION_ID", r.migrationId == null ? "" : r.migrationId);
    env.put("MIGRATOR_ACTION", forward ? "switch" : "switch-back");
    env.put("MIGRATOR_SOURCE", r.source.address());
    env.put("MIGRATOR_TARGET", r.target.address());
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw ApplicationFailure.newFailure("traffic switch command timed out after 5 minutes", "TrafficSwitch");
      }
      String text = tail(new String(out, StandardCharsets.UTF_8));
      if (p.exitValue() != 0) {
        throw ApplicationFailure.newFailure("traffic switch command exited " + p.exitValue() + ": " + text, "TrafficSwitch");
      }
      return "command ran: " + text;
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("traffic switch command could not start: " + e.getMessage(), "TrafficSwitch");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "TrafficSwitch");
    }
  }

  private String postWebhook(MigrationRequest r, String url, boolean forward) {
    if (url == null || url.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("cutover.trafficSwitch.url is empty", "InvalidRequest");
    }
    String body = "{\"migrationId\":\"" + json(r.migrationId) + "\",\"action\":\"" + (forward ? "switch" : "switch-back")
        + "\",\"source\":\"" + json(r.source.address()) + "\",\"target\":\"" + json(r.target.address()) + "\"}";
    try {
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() / 100 != 2) {
        throw ApplicationFailure.newFailure("traffic switch webhook answered HTTP " + res.statusCode() + ": "
            + tail(res.body()), "TrafficSwitch");
      }
      return "webhook answered HTTP " + res.statusCode();
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("traffic switch webhook failed: " + e.getMessage(), "TrafficSwitch");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "TrafficSwitch");
    }
  }

  private String upsertRecord(TrafficSwitch t, String value) {
    if (t.hostedZoneId == null || t.recordName == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cutover.trafficSwitch for route53 needs hostedZoneId and recordName", "InvalidRequest");
    }
    ResourceRecordSet set = ResourceRecordSet.builder().name(t.recordName).type(RRType.CNAME).ttl(t.ttl)
        .resourceRecords(ResourceRecord.builder().value(value).build()).build();
    route53.get().changeResourceRecordSets(ChangeResourceRecordSetsRequest.builder().hostedZoneId(t.hostedZoneId)
        .changeBatch(ChangeBatch.builder().comment("migrator traffic switch")
            .changes(Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(set).build()).build())
        .build());
    return "route53 " + t.recordName + " CNAME " + value;
  }

  private static String json(String s) {
    return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String tail(String s) {
    String t = s.strip();
    return t.length() > 500 ? t.substring(t.length() - 500) : t;
  }
}
