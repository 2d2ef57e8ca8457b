package dev.migrator.activities;

import dev.migrator.model.Endpoint;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.TableChecksum;
import dev.migrator.model.TableRef;
import java.util.ArrayList;
import java.util.List;

/** What verify compares: the frozen copy (or checksums taken inside the snapshot) against the target. */
public class VerifyInput {
  public String migrationId;
  public Endpoint target;
  public FrozenCopy frozen;
  public List<TableRef> tables = new ArrayList<>();
  /** Checksums taken inside the frozen snapshot (live-consistent); null = read the frozen copy now. */
  public List<TableChecksum> sourceChecksums;
  /**
   * Inline verification (version "inline-checksums" >= 1 and verify.mode inline): the copy's sums
   * per table (qualified name); null = the full verify (both sides read now, SHA-256 based). A table without sums
   * here is read in full on both sides with the inline function.
   */
  public Integer inlineChecksums;
  public java.util.Map<String, dev.migrator.model.TableSums> inline;
}
