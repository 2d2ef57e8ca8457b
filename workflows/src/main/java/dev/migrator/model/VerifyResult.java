package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/** The verify step's verdict: every table's count and checksum, and whether all match. */
public class VerifyResult {
  public boolean ok;
  public List<TableVerification> tables = new ArrayList<>();

  public String summary() {
    long bad = tables.stream().filter(t -> !t.match).count();
    return ok
        ? tables.size() + " tables match"
        : bad + " of " + tables.size() + " tables differ: "
            + tables.stream().filter(t -> !t.match).map(t -> t.table).toList();
  }
}
