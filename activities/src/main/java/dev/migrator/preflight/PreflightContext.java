package dev.migrator.preflight;

import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/** What the checks share: the request, the connected sides (null when unreachable), the report. */
public final class PreflightContext {
  /** Lists in evidence are cut after this many items ("... and 12 more"). */
  static final int MAX_LISTED = 10;

  public final MigrationRequest request;
  /** Null when the source could not be reached (a connect-* finding says why). */
  public final Side source;
  /** Null when the target could not be reached. */
  public final Side target;
  public final PreflightReport report;

  public PreflightContext(MigrationRequest request, Side source, Side target, PreflightReport report) {
    this.request = request;
    this.source = source;
    this.target = target;
    this.report = report;
  }

  public void add(String id, String severity, String endpoint, String evidence, String advice) {
    report.add(new Finding(id, severity, endpoint, evidence, advice));
  }

  public List<String> schemas() {
    return request.schemas == null ? List.of() : request.schemas;
  }

  /** Whether a table of one of the requested schemas is part of the migration ('tables' filter). */
  public boolean wanted(String schema, String table) {
    if (request.tables == null || request.tables.isEmpty()) return true;
    return request.tables.contains(schema + "." + table);
  }

  /** "?, ?, ?" for an IN list over the requested schemas. */
  public String schemaPlaceholders() {
    return String.join(", ", Collections.nCopies(Math.max(1, schemas().size()), "?"));
  }

  public String[] schemaParams() {
    return schemas().isEmpty() ? new String[] {"\u0000"} : schemas().toArray(new String[0]);
  }

  /** "a, b, c and 4 more". */
  static String list(List<String> items) {
    if (items.size() <= MAX_LISTED) return String.join(", ", items);
    return items.stream().limit(MAX_LISTED).collect(Collectors.joining(", "))
        + " and " + (items.size() - MAX_LISTED) + " more";
  }
}
