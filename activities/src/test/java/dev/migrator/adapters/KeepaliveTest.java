package dev.migrator.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A long statement inside an activity keeps heartbeating (the long-step heartbeat timeout is 15 s). */
class KeepaliveTest {
  @ActivityInterface
  public interface Slow {
    String slow();
  }

  @Test
  void heartbeatsWhileALongCallRunsAndStopsAfter() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    List<Object> beats = new CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(String.class, beats::add);
    env.registerActivitiesImplementations((Slow) () -> {
      try (Keepalive k = Keepalive.during("checksumming t")) {
        Thread.sleep(Keepalive.EVERY_MILLIS * 2 + 1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "done";
    });
    // (TestActivityEnvironment does not enforce heartbeat timeouts; the Temporal service does.)
    Slow s = env.newActivityStub(Slow.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1)).setHeartbeatTimeout(Duration.ofSeconds(7)).build());
    assertEquals("done", s.slow());
    assertTrue(!beats.isEmpty() && beats.stream().allMatch("checksumming t"::equals), beats.toString());
    env.close();
  }
}
