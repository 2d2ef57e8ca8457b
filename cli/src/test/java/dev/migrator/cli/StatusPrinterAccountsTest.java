package dev.migrator.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.AccountChange;
import dev.migrator.model.AccountsResult;
import dev.migrator.model.AccountsStatus;
import dev.migrator.model.MigrationStatus;
import org.junit.jupiter.api.Test;

/** {@code migrator status} shows what step 5 created, stripped and synced. */
class StatusPrinterAccountsTest {
  @Test
  void showsCreatedStrippedAndSyncedAccounts() {
    MigrationStatus s = new MigrationStatus();
    s.migrationId = "shop-eu";
    s.accounts = new AccountsStatus();
    s.accounts.mode = "copy-and-sync";
    AccountsResult copy = new AccountsResult();
    copy.operation = "copy";
    copy.applied = true;
    copy.summary = "created 2 accounts (1 role); 1 grant stripped";
    AccountChange app = new AccountChange("'app'@'%'", false, AccountChange.CREATE);
    app.stripped.add("SUPER ON *.*: the target does not give it (Aurora)");
    copy.changes.add(app);
    copy.changes.add(new AccountChange("'r_read'@'%'", true, AccountChange.CREATE));
    s.accounts.copied = copy;
    AccountsResult sync = new AccountsResult();
    sync.operation = "sync";
    sync.applied = true;
    sync.summary = "2 accounts changed on the source since the copy: applied";
    AccountChange changed = new AccountChange("'app'@'%'", false, AccountChange.UPDATE);
    changed.details.add("password");
    sync.changes.add(changed);
    sync.changes.add(new AccountChange("'newbie'@'%'", false, AccountChange.CREATE));
    s.accounts.atCutover = sync;

    String out = StatusPrinter.render(s);

    assertTrue(out.contains("accounts (copy-and-sync):"), out);
    assertTrue(out.contains("copied at step 5: created 2 accounts (1 role); 1 grant stripped"), out);
    assertTrue(out.contains("created 'app'@'%'"), out);
    assertTrue(out.contains("stripped SUPER ON *.*: the target does not give it (Aurora)"), out);
    assertTrue(out.contains("created role 'r_read'@'%'"), out);
    assertTrue(out.contains("synced at the cutover: 2 accounts changed on the source since the copy: applied"), out);
    assertTrue(out.contains("updated 'app'@'%': password"), out);
    assertTrue(out.contains("created 'newbie'@'%'"), out);
  }
}
