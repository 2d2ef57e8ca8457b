package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The outcome of preflight: a finding per check. Blocking findings stop the migration. */
public class PreflightReport {
  public List<Finding> findings = new ArrayList<>();
  /**
   * Whether the target had read_only on before the migration (null: not read). The rollback puts
   * this back after the replication guard kept the target read-only.
   */
  public Boolean targetReadOnly;

  @JsonIgnore
  public boolean hasBlocking() {
    return findings.stream().anyMatch(f -> Finding.BLOCKING.equals(f.severity));
  }

  @JsonIgnore
  public List<Finding> blocking() {
    return findings.stream()
        .filter(f -> Finding.BLOCKING.equals(f.severity))
        .collect(Collectors.toList());
  }

  /** Blocking findings that protect data: the migration can only be rolled back, never skip them. */
  @JsonIgnore
  public List<Finding> blockingProtected() {
    return findings.stream()
        .filter(f -> Finding.BLOCKING.equals(f.severity) && f.protectsData)
        .collect(Collectors.toList());
  }

  public PreflightReport add(Finding f) {
    findings.add(f);
    return this;
  }
}
