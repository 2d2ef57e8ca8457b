package dev.migrator.workflow.checklist;

import dev.migrator.model.FailureType;
import dev.migrator.model.Finding;
import dev.migrator.model.PreflightReport;
import dev.migrator.model.Step;

/**
 * Step 1: every read-only check of the handbook (PreflightActivities). Blocking findings stop the
 * migration before any change; those that protect data (the schema exists, one server named twice)
 * can never be skipped. Changes nothing, so no undo.
 */
final class PreflightStep {
  private final Migration m;
  private final StepRunner runner;

  PreflightStep(Migration m, StepRunner runner) {
    this.m = m;
    this.runner = runner;
  }

  void run() {
    PreflightReport report = runner.run(Step.PREFLIGHT, () -> {
      PreflightReport rep = m.activities.preflight.preflight(m.request);
      m.status.preflight = rep;
      if (rep.hasBlocking()) {
        boolean protecting = m.safety && !rep.blockingProtected().isEmpty();
        throw (protecting ? FailureType.PREFLIGHT_BLOCKED_PROTECTED : FailureType.PREFLIGHT_BLOCKED).failure(
            "blocking preflight findings: " + rep.blocking()
                + (protecting ? " (they protect data and cannot be skipped: fix them and retry, or roll back)" : ""));
      }
      return rep;
    });
    if (report != null) {
      long warnings = report.findings.stream().filter(f -> Finding.WARNING.equals(f.severity)).count();
      m.step(Step.PREFLIGHT).detail = report.findings.size() + " checks, " + warnings + " warning(s), none blocking";
      report.findings.stream()
          .filter(f -> !Finding.INFO.equals(f.severity) && !Finding.BLOCKING.equals(f.severity))
          .forEach(f -> m.status.warnings.add(f.toString()));
    }
  }
}
