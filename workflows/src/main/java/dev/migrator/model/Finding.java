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
  /**
   * A blocking finding that protects data (the target schema exists, source and target are the
   * same server, another migration owns the schema): an operator can never skip it.
   */
  public boolean protectsData;

  public Finding() {}

  public Finding(String id, String severity, String endpoint, String evidence, String advice) {
    this.id = id;
    this.severity = severity;
    this.endpoint = endpoint;
    this.evidence = evidence;
    this.advice = advice;
  }

  /** Marks this finding as one that can never be skipped (see {@link #protectsData}). */
  public Finding protectingData() {
    protectsData = true;
    return this;
  }

  @Override
  public String toString() {
    return "[" + severity + "] " + id + " (" + endpoint + "): " + evidence
        + (advice == null ? "" : " -> " + advice);
  }
}
