package dev.migrator.preflight;

import dev.migrator.copy.Stage;
import dev.migrator.model.Finding;
import dev.migrator.model.StageOptions;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * copy.transport "staged": the stage must take a file, give it back and delete it (Stage.probe),
 * as seen from this worker. Workers on other task queues (dump near the source, load near the
 * target) see it from their own hosts; a directory is checked here only, so with separate queues
 * a failed directory probe is a warning (the directory may exist only there).
 */
public final class StageCheck implements PreflightCheck {
  private final Function<String, S3Client> s3;

  public StageCheck(Function<String, S3Client> s3) {
    this.s3 = s3;
  }

  @Override
  public String name() {
    return "stage";
  }

  @Override
  public void run(PreflightContext ctx) {
    if (!"staged".equals(ctx.request.copy.transport) || ctx.request.copy.stage == null) return;
    StageOptions o = ctx.request.copy.stage;
    String problem = Stage.probe(o, s3);
    if (problem == null) {
      ctx.add("stage", Finding.INFO, "copy", "stage " + o.location + " takes, returns and deletes files", null);
      return;
    }
    boolean elsewhere = !o.location.startsWith("s3://") && (notBlank(o.dumpTaskQueue) || notBlank(o.loadTaskQueue));
    ctx.add("stage-unusable", elsewhere ? Finding.WARNING : Finding.BLOCKING, "copy", problem
        + (elsewhere ? " (seen from the preflight worker; the dump and load workers may see another directory)" : ""),
        "fix copy.stage.location or its permissions; see docs/copy.md, \"Staged transport\"");
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
