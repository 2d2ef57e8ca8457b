package dev.migrator.model;

/** The checklist of PRODUCT.md section 2, in order. */
public enum Step {
  VALIDATE(0, "validate"),
  PREFLIGHT(1, "preflight"),
  RETENTION(2, "retention"),
  FREEZE(3, "freeze"),
  SCHEMA(4, "schema"),
  ACCOUNTS(5, "accounts"),
  COPY(6, "copy"),
  VERIFY(7, "verify"),
  RELEASE(8, "release"),
  REPLICATE(9, "replicate"),
  CATCH_UP(10, "catch-up"),
  APPROVE(11, "approve"),
  CUTOVER(12, "cutover"),
  FINISH(13, "finish");

  public final int number;
  public final String label;

  Step(int number, String label) {
    this.number = number;
    this.label = label;
  }
}
