package dev.migrator.accounts;

import dev.migrator.testkit.NoSecrets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.activities.AccountsActivities;
import dev.migrator.adapters.AccountsActivitiesImpl;
import dev.migrator.model.AccountsInput;
import dev.migrator.model.AccountsOptions;
import dev.migrator.model.AccountsResult;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.AuroraLikeMySql;
import dev.migrator.testkit.LocalMySql;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.history.v1.History;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The workflow history itself holds no hash and no password: a small workflow calls the accounts
 * activities as the migration will (plan, copy, a copy refused by an account that exists
 * differently, diff, sync after a password change on the source, undo) on a MySQL 9.7 source and
 * the Aurora-like target; the recorded history (inputs, results, failure messages) is searched for
 * every account's stored hash and every password.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AccountsHistoryTest {
  @WorkflowInterface
  public interface AccountsFlow {
    @WorkflowMethod
    List<String> run(AccountsInput in);

    /** The test changed the source after the copy: go on with the diff and the sync. */
    @io.temporal.workflow.SignalMethod
    void go();
  }

  public static class AccountsFlowImpl implements AccountsFlow {
    private final AccountsActivities accounts = Workflow.newActivityStub(AccountsActivities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(2))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());

    @Override
    public List<String> run(AccountsInput in) {
      List<String> out = new ArrayList<>();
      out.add(accounts.planAccounts(in).summary);
      try {
        accounts.copyAccounts(in);
      } catch (ActivityFailure refused) {
        out.add("refused: " + refused.getCause().getMessage());
      }
      in.options.existing = "keep-target";
      out.add(accounts.copyAccounts(in).summary);
      Workflow.await(() -> ready); // the test changes a password on the source meanwhile
      AccountsResult diff = accounts.diffAccounts(in);
      out.add(diff.summary);
      out.add(accounts.syncAccounts(in).summary);
      out.addAll(accounts.dropCreatedAccounts(in));
      return out;
    }

    private boolean ready;

    @Override
    public void go() {
      ready = true;
    }
  }

  @Test
  void theRecordedHistoryHoldsNoHashAndNoPassword() throws Exception {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
    CompletableFuture<LocalMySql> s = CompletableFuture.supplyAsync(() -> LocalMySql.start("hist-src"));
    CompletableFuture<AuroraLikeMySql> a = CompletableFuture.supplyAsync(() -> AuroraLikeMySql.start("hist-aurora"));
    try (LocalMySql source = s.join(); AuroraLikeMySql aurora = a.join();
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      source.sql("CREATE DATABASE shop", "CREATE ROLE r_app", "GRANT SELECT ON shop.* TO r_app",
          "CREATE USER app@'%' IDENTIFIED BY 'hist-app-Secret-1'", "GRANT r_app TO app@'%'", "SET DEFAULT ROLE r_app TO app@'%'",
          "CREATE USER boss@'%' IDENTIFIED BY 'hist-boss-Secret-2'", "GRANT SUPER, FILE ON *.* TO boss@'%'",
          "CREATE USER shared@'%' IDENTIFIED BY 'hist-shared-Secret-3'");
      aurora.sql("CREATE USER shared@'%' IDENTIFIED BY 'hist-shared-target-Secret-4'");
      NoSecrets secrets = new NoSecrets().password("hist-app-Secret-1").password("hist-boss-Secret-2")
          .password("hist-shared-Secret-3").password("hist-shared-target-Secret-4").password("hist-app-Secret-5")
          .password(aurora.adminPassword()).password(source.rootPassword())
          .hashesOf(source, false).hashesOf(aurora, false);

      Worker w = env.newWorker("accounts");
      w.registerWorkflowImplementationTypes(AccountsFlowImpl.class);
      w.registerActivitiesImplementations(new AccountsActivitiesImpl(new Connector(new CredentialResolver())));
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      AccountsInput in = new AccountsInput();
      in.migrationId = "hist";
      in.source = source.endpoint();
      in.target = aurora.endpoint();
      in.options = new AccountsOptions();
      in.options.mode = AccountsOptions.COPY_AND_SYNC;
      AccountsFlow flow = client.newWorkflowStub(AccountsFlow.class,
          WorkflowOptions.newBuilder().setTaskQueue("accounts").setWorkflowId("hist-accounts").build());
      WorkflowClient.start(flow::run, in);
      // Between the copy and the diff: a new password on the source.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (aurora.query("SELECT 1 FROM mysql.user WHERE user = 'app'") == null && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      source.sql("ALTER USER app@'%' IDENTIFIED BY 'hist-app-Secret-5'");
      secrets.hashesOf(source, false).hashesOf(aurora, false);
      flow.go();
      List<String> out = client.newUntypedWorkflowStub("hist-accounts").getResult(List.class);

      assertTrue(out.get(0).startsWith("would create 3 account(s) (1 role(s))"), out.toString());
      assertTrue(out.get(1).startsWith("refused: ") && out.get(1).contains("'shared'@'%'"), out.toString());
      assertTrue(out.get(2).startsWith("created 3 account(s) (1 role(s)), 0 unchanged, 1 kept as on the target"), out.toString());
      assertTrue(out.get(3).startsWith("1 account(s) changed on the source since the copy: not applied yet"), out.toString());
      assertTrue(out.get(4).startsWith("1 account(s) changed on the source since the copy: applied"), out.toString());
      assertTrue(out.get(5).startsWith("dropped 3 account(s) this migration created"), out.toString());

      History h = client.fetchHistory("hist-accounts").getHistory();
      String text = h.toString();
      assertTrue(text.contains("CopyAccounts") && text.contains("SyncAccounts") && text.contains("AccountsRefused"),
          "the history holds the activities and the refusal");
      assertTrue(secrets.count() > 10);
      secrets.assertText("workflow history", text);
      assertEquals(null, aurora.query("SELECT 1 FROM mysql.user WHERE user = 'app'"));
    }
  }
}
