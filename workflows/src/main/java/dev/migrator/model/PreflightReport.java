package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The outcome of preflight: a finding per check. Blocking findings stop the migration. */
public class PreflightReport {
  public List<Finding> findings = new ArrayList<>();

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

  public PreflightReport add(Finding f) {
    findings.add(f);
    return this;
  }
}
