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
}
