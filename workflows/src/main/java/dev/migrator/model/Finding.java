package dev.migrator.model;

/** One preflight finding: what was checked, where, what was seen, and what to do about it. */
public class Finding {
  public static final String BLOCKING = "blocking";
  public static final String WARNING = "warning";
  public static final String INFO = "info";

  public String id;
  public String severity;
  /** "source", "target" or "replication". */
  public String endpoint;
  public String evidence;
  public String advice;

  public Finding() {}

  public Finding(String id, String severity, String endpoint, String evidence, String advice) {
    this.id = id;
    this.severity = severity;
    this.endpoint = endpoint;
    this.evidence = evidence;
    this.advice = advice;
  }

  @Override
  public String toString() {
    return "[" + severity + "] " + id + " (" + endpoint + "): " + evidence
        + (advice == null ? "" : " -> " + advice);
  }
}
