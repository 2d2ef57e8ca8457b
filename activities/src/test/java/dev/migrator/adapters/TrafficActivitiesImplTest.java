package dev.migrator.adapters;

import dev.migrator.activities.StepInputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.TrafficSwitch;
import io.temporal.failure.ApplicationFailure;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsResponse;

/** Each traffic-switch hook does its switch and its undo, for real (shell, HTTP, the SDK's client interface). */
class TrafficActivitiesImplTest {
  private static MigrationRequest request(TrafficSwitch t) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "m1";
    r.source = new Endpoint("old-db.internal", 3306, "root", null);
    r.target = new Endpoint("new-db.cluster.example", 3306, "root", null);
    r.cutover.trafficSwitch = t;
    return r;
  }

  @Test
  void commandHookRunsWithTheCutoverInItsEnvironment() throws Exception {
    Path out = Files.createTempFile("switch", ".log");
    TrafficSwitch t = new TrafficSwitch();
    t.type = "command";
    t.command = "echo \"$MIGRATOR_ACTION $MIGRATOR_TARGET\" >> " + out;
    t.undoCommand = "echo \"$MIGRATOR_ACTION $MIGRATOR_SOURCE\" >> " + out;
    TrafficActivitiesImpl a = new TrafficActivitiesImpl(() -> null);
    a.switchTraffic(StepInputs.traffic(request(t)));
    a.switchTrafficBack(StepInputs.traffic(request(t)));
    assertEquals(List.of("switch new-db.cluster.example:3306", "switch-back old-db.internal:3306"), Files.readAllLines(out));
  }

  @Test
  void failingCommandFailsTheActivityWithItsOutput() {
    TrafficSwitch t = new TrafficSwitch();
    t.type = "command";
    t.command = "echo 'load balancer refused' >&2; exit 7";
    ApplicationFailure f = assertThrows(ApplicationFailure.class,
        () -> new TrafficActivitiesImpl(() -> null).switchTraffic(StepInputs.traffic(request(t))));
    assertTrue(f.getOriginalMessage().contains("exited 7") && f.getOriginalMessage().contains("load balancer refused"),
        f.getOriginalMessage());
  }

  @Test
  void webhookIsPostedForBothDirections() throws Exception {
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/switch", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    server.start();
    try {
      TrafficSwitch t = new TrafficSwitch();
      t.type = "webhook";
      t.url = "http://127.0.0.1:" + server.getAddress().getPort() + "/switch";
      TrafficActivitiesImpl a = new TrafficActivitiesImpl(() -> null);
      a.switchTraffic(StepInputs.traffic(request(t)));
      a.switchTrafficBack(StepInputs.traffic(request(t)));
    } finally {
      server.stop(0);
    }
    assertEquals(2, bodies.size());
    assertTrue(bodies.get(0).contains("\"action\":\"switch\"") && bodies.get(0).contains("new-db.cluster.example"));
    assertTrue(bodies.get(1).contains("\"action\":\"switch-back\""));
  }

  @Test
  void route53RecordPointsAtTheTargetThenBackAtTheSource() {
    List<ChangeResourceRecordSetsRequest> calls = new CopyOnWriteArrayList<>();
    Route53Client fake = new Route53Client() {
      @Override
      public ChangeResourceRecordSetsResponse changeResourceRecordSets(ChangeResourceRecordSetsRequest req) {
        calls.add(req);
        return ChangeResourceRecordSetsResponse.builder().build();
      }

      @Override
      public String serviceName() {
        return "route53";
      }

      @Override
      public void close() {}
    };
    TrafficSwitch t = new TrafficSwitch();
    t.type = "route53";
    t.hostedZoneId = "Z123";
    t.recordName = "db.example.com.";
    TrafficActivitiesImpl a = new TrafficActivitiesImpl(() -> fake);
    a.switchTraffic(StepInputs.traffic(request(t)));
    a.switchTrafficBack(StepInputs.traffic(request(t)));
    assertEquals(2, calls.size());
    assertEquals("new-db.cluster.example", value(calls.get(0)));
    assertEquals("old-db.internal", value(calls.get(1)));
    assertEquals("Z123", calls.get(0).hostedZoneId());
    assertEquals("UPSERT", calls.get(0).changeBatch().changes().get(0).actionAsString());
  }

  private static String value(ChangeResourceRecordSetsRequest r) {
    return r.changeBatch().changes().get(0).resourceRecordSet().resourceRecords().get(0).value();
  }
}
