package dev.migrator.workflow.checklist;

import dev.migrator.model.Step;

/** Step 5: the application's accounts and grants (not wired yet: skipped). */
final class AccountsStep {
  private final Migration m;

  AccountsStep(Migration m) {
    this.m = m;
  }

  void run() {
    m.skip(Step.ACCOUNTS, "not requested");
  }
}
