package dev.migrator.workflow.checklist;

import dev.migrator.model.CutoverResult;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.SchemaResult;
import dev.migrator.model.TableChecksum;

/**
 * The checklist of PRODUCT.md section 2, one step object each, in order. Each step's class holds
 * its orchestration and registers its undo on the shadow checklist beside the call it undoes.
 */
public final class Checklist {
  private final Migration m;
  private final StepRunner runner;
  final ValidateStep validate;
  final PreflightStep preflight;
  final RetentionStep retention;
  final FreezeStep freeze;
  final SchemaStep schema;
  final AccountsStep accounts;
  final CopyStep copy;
  final VerifyStep verify;
  final ReplicateStep replicate;
  final CatchUpStep catchUp;
  final ApproveStep approve;
  final CutoverStep cutover;
  final FinishStep finish;
  final Rebuild rebuild;
  final Rollback rollback;

  public Checklist(Migration m) {
    this.m = m;
    OperatorGate gate = new OperatorGate(m);
    runner = new StepRunner(m, gate);
    ReplicationErrors errors = new ReplicationErrors(m, gate);
    validate = new ValidateStep(m);
    preflight = new PreflightStep(m, runner);
    retention = new RetentionStep(m, runner);
    freeze = new FreezeStep(m, runner);
    schema = new SchemaStep(m, runner);
    accounts = new AccountsStep(m, runner);
    copy = new CopyStep(m, runner);
    verify = new VerifyStep(m, runner);
    replicate = new ReplicateStep(m, runner);
    catchUp = new CatchUpStep(m, runner, errors);
    approve = new ApproveStep(m, runner, errors, accounts);
    cutover = new CutoverStep(m, runner, accounts);
    finish = new FinishStep(m, runner);
    rebuild = new Rebuild(m);
    rollback = new Rollback(m);
  }

  /** Step 0. Throws InvalidRequest (nothing changed) on a bad request. */
  public void validate(MigrationRequest request) {
    validate.run(request);
    // The request as this run follows it: children and activities see the defaults resolved.
    if (m.fastCopyDefaults && request.copy != null) request.copy.applyFastDefaults();
    m.start(request);
  }

  /** Steps 1 to 13. A rebuild decision at catch-up or while waiting for approval redoes 3 to 10. */
  public void run() {
    preflight.run();
    retention.run();
    while (true) {
      while (!buildAndCatchUp()) rebuild.run();
      if (!m.safety) {
        approve.runBeforeNothingLost();
        break;
      }
      if (approve.run()) break;
      rebuild.run();
      approve.pendingAfterRebuild();
    }
    CutoverResult cut = m.safety ? cutover.run() : cutover.runBeforeNothingLost();
    finish.run(cut, cutover, retention, schema, accounts);
  }

  /** Steps 3 to 10; false when the operator chose to rebuild at catch-up. */
  private boolean buildAndCatchUp() {
    FrozenCopy frozen = freeze.run();
    accounts.run(frozen); // before the schema step: definer accounts exist when its objects are created
    SchemaResult created = schema.run(frozen);
    accounts.afterSchema(frozen);
    java.util.List<TableChecksum> sourceChecksums = copy.run(frozen, created.tables);
    verify.run(frozen, created.tables, sourceChecksums);
    freeze.release();
    replicate.run(frozen.coordinates);
    return catchUp.run();
  }

  /** Runs the shadow checklist backwards (the migration failed, was cancelled, asked to roll back, or rehearsed). */
  public void rollBack() {
    rollback.run();
  }
}
