package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/**
 * How many copy activities run at once, and why. With copy.parallelism = 0 it follows the
 * handbook's rule of thumb: one reader per CPU of the server read from (the frozen copy), one
 * writer per two CPUs of the target, but at least two writers on a target of two CPUs or more
 * (measured on 2 cores: 2 at once copied in 5.99 s what 1 at once took 7.48 s; docs/benchmarks.md). A direct copy reads and writes in the same activity, so it
 * runs min(readers, writers) at once, but at least two per CPU of the smaller side, up to
 * {@link #MIN_DIRECT_SLOTS_CAP}: one chunk's chain (read, encode, load) leaves its CPU idle part
 * of the time, and on 2 cores 4 at once copied in 4.27 s what 2 at once took 5.04 s (issue 18).
 * Both servers are the frozen copy and the new target, never the production source. A staged copy
 * runs up to readers dumps and writers loads.
 */
public class CopySizing {
  /** CPUs of the server read from (null: unknown, a default was used). */
  public Integer sourceCpus;
  public Integer targetCpus;
  public int readers;
  public int writers;
  /** Copy activities in flight at once over all workers (direct transport). */
  public int slots;
  /** How each number was found ("thread_pool_size", "given", "worker host", "default"). */
  public List<String> notes = new ArrayList<>();

  public CopySizing() {}

  /** The rule of thumb from CPU counts; an unknown count (null) counts as {@link #DEFAULT_CPUS}. */
  public static CopySizing ruleOfThumb(Integer sourceCpus, Integer targetCpus) {
    CopySizing s = new CopySizing();
    s.sourceCpus = sourceCpus;
    s.targetCpus = targetCpus;
    s.readers = Math.max(1, sourceCpus == null ? DEFAULT_CPUS : sourceCpus);
    int t = Math.max(1, targetCpus == null ? DEFAULT_CPUS : targetCpus);
    s.writers = Math.max(Math.min(2, t), t / 2);
    s.slots = Math.max(1, Math.min(s.readers, s.writers));
    int floor = Math.min(MIN_DIRECT_SLOTS_CAP, 2 * Math.min(s.readers, t));
    s.slots = Math.max(s.slots, floor);
    return s;
  }

  /** Fixed parallelism from the request (copy.parallelism > 0): readers = writers = slots = n. */
  public static CopySizing fixed(int n) {
    CopySizing s = new CopySizing();
    s.readers = n;
    s.writers = n;
    s.slots = n;
    s.notes.add("copy.parallelism = " + n);
    return s;
  }

  /** The most the two-per-CPU floor of a direct copy's slots gives (larger machines follow readers and writers). */
  public static final int MIN_DIRECT_SLOTS_CAP = 4;

  /** Assumed when a server's CPUs are neither given nor detectable. */
  public static final int DEFAULT_CPUS = 2;

  @Override
  public String toString() {
    return slots + " at once (readers " + readers + ", writers " + writers + ")";
  }
}
