package dev.migrator.activities;

import dev.migrator.model.CopyOptions;
import dev.migrator.model.Endpoint;

/** What the copy (direct or staged) reads from and writes to, and how. */
public class CopyInput {
  public String migrationId;
  /** live-consistent, physical-backup, ... (the copy's path depends on it). */
  public String method;
  /** The live source (live-consistent reads it inside one snapshot). */
  public Endpoint source;
  /** The frozen copy the chunked copy reads; null for live-consistent. */
  public Endpoint from;
  public Endpoint target;
  public CopyOptions copy = new CopyOptions();
  /** aurora-snapshot: the temporary instance's class, for the copy's default parallelism. */
  public String frozenInstanceClass;
  /**
   * Inline checksums (workflow version "inline-checksums"): 0 = none (the old path, verify reads
   * both sides in full); 1 = each chunk is checksummed on the frozen copy and on the target right
   * after its commit, the sums are in the chunk results.
   */
  public int inlineChecksums;
}
