package dev.migrator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LagTrendTest {
  private static final long HOUR = 3_600_000L;

  @Test
  void handbookExample48HoursBehindFalling2HoursADayIs24DaysAndWarnsAgainstRetention() {
    LagTrend t = new LagTrend();
    // 48 h behind, falling 2 h a day: sampled every 6 h over a day.
    for (int i = 0; i <= 4; i++) t.add(i * 6 * HOUR, 48 * 3600L - i * 1800L, 24 * 7);
    assertEquals(-2.0 * 3600 / 86400, t.slope, 1e-9);
    // 46 h left at 2 h/day = 23 days.
    assertEquals(23L * 86400, t.etaSeconds, 60);
    assertNotNull(t.warning);
    assertTrue(t.warning.contains("longer than the source's binlog retention of 168 h"), t.warning);
  }

  @Test
  void fastFallingLagHasAnEtaAndNoWarning() {
    LagTrend t = new LagTrend();
    t.add(0, 600L, 24);
    t.add(60_000, 540L, 24);
    t.add(120_000, 480L, 24);
    assertEquals(-1.0, t.slope, 1e-9);
    assertEquals(480L, t.etaSeconds);
    assertNull(t.warning);
  }

  @Test
  void flatOrGrowingLagWarnsAfterThreeReadings() {
    LagTrend t = new LagTrend();
    t.add(0, 100L, 24);
    t.add(60_000, 100L, 24);
    assertNull(t.warning, "two readings are not a trend yet");
    t.add(120_000, 160L, 24);
    assertNotNull(t.warning);
    assertTrue(t.warning.startsWith("lag is not falling"), t.warning);
    assertNull(t.etaSeconds);
  }

  @Test
  void keepsOnlyTheWindowAndIgnoresReadingsWithoutLag() {
    LagTrend t = new LagTrend(3);
    for (int i = 0; i < 10; i++) t.add(i * 1000L, 100L - i, 24);
    t.add(20_000, null, 24);
    assertEquals(3, t.samples.size());
    assertEquals(91L, t.latest());
  }
}
