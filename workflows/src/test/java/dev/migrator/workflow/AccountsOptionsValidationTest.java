package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrator.model.AccountsInput;
import dev.migrator.model.AccountsOptions;
import dev.migrator.model.Endpoint;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.MigrationRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountsOptionsValidationTest {
  static MigrationRequest valid() {
    MigrationRequest r = new MigrationRequest();
    r.source = new Endpoint("10.0.0.1", 3306, "root", "env:SRC");
    r.target = new Endpoint("10.0.0.2", 3306, "root", "env:DST");
    r.schemas.add("shop");
    return r;
  }

  @Test
  void requestsWithoutAccountsStayValidAndMigrateNoAccounts() throws Exception {
    MigrationRequest r = new ObjectMapper().readValue("{\"source\":{\"host\":\"a\"},\"target\":{\"host\":\"b\"},"
        + "\"schemas\":[\"shop\"]}", MigrationRequest.class);
    assertEquals(AccountsOptions.NONE, r.accounts.mode);
    assertFalse(r.accounts.enabled());
    assertTrue(RequestValidator.problems(valid()).isEmpty());
  }

  @Test
  void badAccountsOptionsAreNamed() {
    MigrationRequest r = valid();
    r.accounts.mode = "all";
    r.accounts.refusedGrants = "ignore";
    r.accounts.existing = "overwrite";
    r.accounts.include = List.of("@host");
    List<String> p = RequestValidator.problems(r);
    assertTrue(p.stream().anyMatch(x -> x.startsWith("accounts.mode must be one of [none, copy, copy-and-sync]")), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("accounts.refusedGrants must be one of [strip, fail]")), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("accounts.existing must be one of [refuse, keep-target, replace]")), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("accounts.include: '@host' is not a user@host pattern")), p.toString());
    r.accounts = new AccountsOptions();
    r.accounts.mode = AccountsOptions.COPY_AND_SYNC;
    r.accounts.include = List.of("app@%", "report_*@10.0.*", "svc");
    assertTrue(RequestValidator.problems(r).isEmpty(), RequestValidator.problems(r).toString());
  }

  @Test
  void theInputReadsFromTheFrozenCopyWhenThereIsOne() {
    MigrationRequest r = valid();
    r.accounts.mode = AccountsOptions.COPY;
    FrozenCopy f = new FrozenCopy();
    f.endpoint = new Endpoint("10.0.0.9", 3306, "root", "env:F");
    assertEquals("10.0.0.9", AccountsInput.of(r, f).readFromOrSource().host);
    assertEquals("10.0.0.1", AccountsInput.of(r, null).readFromOrSource().host);
    assertEquals("migrator_repl", AccountsInput.of(r, null).replicationUser);
  }
}
