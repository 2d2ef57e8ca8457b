package dev.migrator.adapters;

import dev.migrator.activities.StepInputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.ReadOnlyHook;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ModifyDbParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbParameterGroupResponse;

/**
 * Stopping writes on an RDS-flavored source: through the parameter group (a fake of the SDK's
 * RdsClient that applies read_only to a real local server, like RDS applies a dynamic parameter)
 * or a command hook; without a hook the cutover refuses with the advice to configure one.
 */
class ReadOnlyHooksTest {
  static LocalMariaDb db;

  @BeforeAll
  static void start() {
    db = LocalMariaDb.start("hook-src");
  }

  @AfterAll
  static void stop() {
    if (db != null) db.close();
  }

  private static MigrationRequest request(ReadOnlyHook hook) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "m1";
    r.source = new Endpoint(db.host(), db.port(), "root", db.rootPasswordRef());
    r.source.flavor = "rds-mysql";
    // MariaDB plays RDS here, without TLS (RDS always has it: required is the flavor's default).
    r.source.tls = new dev.migrator.model.TlsSettings(dev.migrator.model.TlsSettings.PREFERRED);
    r.source.readOnlyHook = hook;
    r.target = new Endpoint("127.0.0.1", 1, "root", null);
    return r;
  }

  @Test
  void parameterGroupSwitchesReadOnlyBothWays() {
    List<String> calls = new CopyOnWriteArrayList<>();
    RdsClient fakeRds = new RdsClient() {
      @Override
      public ModifyDbParameterGroupResponse modifyDBParameterGroup(ModifyDbParameterGroupRequest req) {
        String v = req.parameters().get(0).parameterValue();
        calls.add(req.dbParameterGroupName() + " " + req.parameters().get(0).parameterName() + "=" + v + " "
            + req.parameters().get(0).applyMethodAsString());
        db.sql("SET GLOBAL read_only = " + v); // what RDS does with a dynamic parameter
        return ModifyDbParameterGroupResponse.builder().dbParameterGroupName(req.dbParameterGroupName()).build();
      }

      @Override
      public String serviceName() {
        return "rds";
      }

      @Override
      public void close() {}
    };
    ReadOnlyHook hook = new ReadOnlyHook();
    hook.type = "parameter-group";
    hook.parameterGroup = "pg-source";
    CutoverActivitiesImpl a = new CutoverActivitiesImpl(new Connector(new CredentialResolver()), new ReadOnlyHooks(() -> fakeRds));
    a.setSourceReadOnly(StepInputs.cutover(request(hook)), true);
    assertEquals("1", db.query("SELECT @@global.read_only"));
    a.setSourceReadOnly(StepInputs.cutover(request(hook)), false);
    assertEquals("0", db.query("SELECT @@global.read_only"));
    assertEquals(List.of("pg-source read_only=1 immediate", "pg-source read_only=0 immediate"), calls);
  }

  @Test
  void commandHookGetsTheWantedState() {
    ReadOnlyHook hook = new ReadOnlyHook();
    hook.type = "command";
    hook.command = "mariadb --protocol=TCP -h 127.0.0.1 -P " + db.port() + " -u root -p\"$(cat "
        + db.rootPasswordRef().substring(5) + ")\" -e \"SET GLOBAL read_only = $MIGRATOR_READ_ONLY\"";
    CutoverActivitiesImpl a = new CutoverActivitiesImpl(new Connector(new CredentialResolver()), new ReadOnlyHooks(() -> null));
    a.setSourceReadOnly(StepInputs.cutover(request(hook)), true);
    assertEquals("1", db.query("SELECT @@global.read_only"));
    a.setSourceReadOnly(StepInputs.cutover(request(hook)), false);
    assertEquals("0", db.query("SELECT @@global.read_only"));
  }

  @Test
  void withoutAHookAnRdsSourceCannotBeStoppedAndTheErrorSaysWhatToConfigure() {
    CutoverActivitiesImpl a = new CutoverActivitiesImpl(new Connector(new CredentialResolver()), new ReadOnlyHooks(() -> null));
    ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> a.setSourceReadOnly(StepInputs.cutover(request(null)), true));
    assertTrue(f.getOriginalMessage().contains("source.readOnlyHook"), f.getOriginalMessage());
    a.setSourceReadOnly(StepInputs.cutover(request(null)), false); // already writable: confirmed without a hook
  }
}
