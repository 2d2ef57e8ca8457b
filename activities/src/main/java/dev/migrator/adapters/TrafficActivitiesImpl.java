package dev.migrator.adapters;

import dev.migrator.activities.TrafficActivities;
import dev.migrator.activities.TrafficInput;
import dev.migrator.model.TrafficSwitch;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
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

  public TrafficActivitiesImpl(Supplier<Route53Client> route53) {
    this.route53 = route53;
  }

  @Override
  public String switchTraffic(TrafficInput r) {
    return apply(r, true);
  }

  @Override
  public void switchTrafficBack(TrafficInput r) {
    apply(r, false);
  }

  private String apply(TrafficInput r, boolean forward) {
    TrafficSwitch t = r.trafficSwitch;
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

  private static String runCommand(TrafficInput r, String cmd, boolean forward) {
    return "command ran: " + Hooks.command("traffic switch", cmd, Map.of(
        "MIGRATOR_MIGRATION_ID", r.migrationId == null ? "" : r.migrationId,
        "MIGRATOR_ACTION", forward ? "switch" : "switch-back",
        "MIGRATOR_SOURCE", r.source.address(),
        "MIGRATOR_TARGET", r.target.address()));
  }

  private static String postWebhook(TrafficInput r, String url, boolean forward) {
    String body = "{\"migrationId\":\"" + Hooks.json(r.migrationId) + "\",\"action\":\"" + (forward ? "switch" : "switch-back")
        + "\",\"source\":\"" + Hooks.json(r.source.address()) + "\",\"target\":\"" + Hooks.json(r.target.address()) + "\"}";
    return "webhook answered HTTP " + Hooks.postJson("traffic switch", url, body);
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

}
