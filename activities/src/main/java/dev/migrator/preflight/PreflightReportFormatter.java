package dev.migrator.preflight;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrator.model.Finding;
import dev.migrator.model.PreflightReport;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a {@link PreflightReport} for people (grouped blocking, warning, info, with the advice
 * under each finding) and for machines (JSON: findings plus a summary and "blocking": true|false).
 * Exiting non-zero on blocking findings is the caller's job ({@link PreflightReport#hasBlocking()}).
 */
public final class PreflightReportFormatter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> ORDER = List.of(Finding.BLOCKING, Finding.WARNING, Finding.INFO);

  private PreflightReportFormatter() {}

  public static String json(PreflightReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("blocking", report.hasBlocking());
    ObjectNode summary = root.putObject("summary");
    Map<String, Long> counts = counts(report);
    for (String s : ORDER) summary.put(s, counts.getOrDefault(s, 0L));
    ArrayNode findings = root.putArray("findings");
    for (Finding f : sorted(report)) findings.add(JSON.valueToTree(f));
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String text(PreflightReport report) {
    StringBuilder b = new StringBuilder();
    Map<String, Long> counts = counts(report);
    b.append("Preflight: ").append(report.hasBlocking() ? "BLOCKED" : "ready").append(" (")
        .append(counts.getOrDefault(Finding.BLOCKING, 0L)).append(" blocking, ")
        .append(counts.getOrDefault(Finding.WARNING, 0L)).append(" warning(s), ")
        .append(counts.getOrDefault(Finding.INFO, 0L)).append(" info)\n");
    String current = null;
    for (Finding f : sorted(report)) {
      if (!f.severity.equals(current)) {
        current = f.severity;
        b.append('\n').append(current.toUpperCase()).append('\n');
      }
      b.append("  [").append(f.id).append("] ").append(f.endpoint).append(": ").append(f.evidence).append('\n');
      if (f.advice != null && !f.advice.isBlank()) b.append("      what to do: ").append(f.advice).append('\n');
    }
    if (!report.hasBlocking()) b.append("\nNothing blocks the migration.\n");
    return b.toString();
  }

  private static List<Finding> sorted(PreflightReport report) {
    return report.findings.stream()
        .sorted((x, y) -> Integer.compare(rank(x.severity), rank(y.severity)))
        .collect(Collectors.toList());
  }

  private static int rank(String severity) {
    int i = ORDER.indexOf(severity);
    return i < 0 ? ORDER.size() : i;
  }

  private static Map<String, Long> counts(PreflightReport report) {
    return report.findings.stream().collect(Collectors.groupingBy(f -> String.valueOf(f.severity), Collectors.counting()));
  }
}
