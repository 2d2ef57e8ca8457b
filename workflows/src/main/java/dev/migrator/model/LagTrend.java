package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * A small window of lag samples and what they say: the slope of {@code Seconds_Behind_Master}
 * over time, the estimated time to zero, and a warning when lag does not fall or would take
 * longer to close than the source keeps its binlogs. Pure computation on activity results, so
 * the catch-up workflow can keep it deterministically.
 */
public class LagTrend {
  /** One sample: when, and how far behind. */
  public static class Sample {
    public long atMillis;
    public long secondsBehind;

    public Sample() {}

    public Sample(long atMillis, long secondsBehind) {
      this.atMillis = atMillis;
      this.secondsBehind = secondsBehind;
    }
  }

  /** Samples kept; older ones fall out. */
  public int window = 10;

  public List<Sample> samples = new ArrayList<>();
  /** Change of lag per second of wall time; negative when catching up. Null with fewer than 2 samples. */
  public Double slope;
  /** Estimated seconds until lag reaches zero at the current slope; null when not falling. */
  public Long etaSeconds;
  /** Null when fine; otherwise what an operator should know. */
  public String warning;

  public LagTrend() {}

  public LagTrend(int window) {
    this.window = window;
  }

  /** Adds a reading's lag (ignored when the replica reports none) and recomputes. */
  public void add(long atMillis, Long secondsBehind, int retentionHours) {
    if (secondsBehind == null) return;
    samples.add(new Sample(atMillis, secondsBehind));
    while (samples.size() > window) samples.remove(0);
    recompute(retentionHours);
  }

  void recompute(int retentionHours) {
    slope = null;
    etaSeconds = null;
    warning = null;
    if (samples.size() < 2) return;
    // Least-squares slope of lag over time.
    double n = samples.size();
    double t0 = samples.get(0).atMillis / 1000.0;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (Sample s : samples) {
      double x = s.atMillis / 1000.0 - t0;
      double y = s.secondsBehind;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    double den = n * sxx - sx * sx;
    if (den == 0) return;
    slope = (n * sxy - sx * sy) / den;
    long latest = latest();
    if (latest == 0) return;
    if (slope < 0) {
      etaSeconds = (long) Math.ceil(latest / -slope);
      long retentionSeconds = retentionHours * 3600L;
      if (retentionHours > 0 && etaSeconds > retentionSeconds) {
        warning = "lag " + human(latest) + " falls by " + human((long) (-slope * 86400)) + " a day: about "
            + human(etaSeconds) + " to catch up, longer than the source's binlog retention of " + retentionHours
            + " h; raise retentionHours or the target's apply rate";
      }
    } else if (samples.size() >= 3) {
      warning = "lag is not falling: " + human(latest) + " behind and "
          + (slope == 0 ? "flat" : "growing by " + human((long) Math.ceil(slope * 3600)) + " per hour")
          + " over the last " + samples.size() + " readings";
    }
  }

  @JsonIgnore
  public long latest() {
    return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).secondsBehind;
  }

  static String human(long seconds) {
    if (seconds >= 86400) return String.format(java.util.Locale.ROOT, "%.1f days", seconds / 86400.0);
    if (seconds >= 3600) return String.format(java.util.Locale.ROOT, "%.1f h", seconds / 3600.0);
    if (seconds >= 60) return (seconds / 60) + " min";
    return seconds + " s";
  }
}
