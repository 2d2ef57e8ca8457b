package dev.migrator.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.model.Finding;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.AuroraLikeMySql;
import dev.migrator.testkit.LocalMySql;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * ERROR 1419 found before any change: a MySQL 9.7 source with a stored function and a trigger, the
 * Aurora-like MySQL 9.7 target binlogging with log_bin_trust_function_creators OFF (its admin user
 * has no SUPER): preflight blocks with trust-function-creators and says to set it in the parameter
 * group; with it set (as the parameter group would), the finding is gone.
 */
class TrustFunctionCreatorsTest {
  @Test
  void functionsAndTriggersOnABinloggingAuroraTargetWithoutTheSettingBlock() {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
    CompletableFuture<LocalMySql> s = CompletableFuture.supplyAsync(() -> LocalMySql.start("tfc-src"));
    CompletableFuture<AuroraLikeMySql> a = CompletableFuture.supplyAsync(() -> AuroraLikeMySql.start("tfc-aurora"));
    CompletableFuture<AuroraLikeMySql> b = CompletableFuture.supplyAsync(() -> AuroraLikeMySql.start(
        new AuroraLikeMySql.Options().name("tfc-aurora-set").config("log_bin_trust_function_creators=1")));
    try (LocalMySql source = s.join(); AuroraLikeMySql off = a.join(); AuroraLikeMySql on = b.join()) {
      source.sql("CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT)",
          "CREATE FUNCTION shop.twice(x INT) RETURNS INT DETERMINISTIC RETURN 2 * x",
          "CREATE TRIGGER shop.t_bi BEFORE INSERT ON shop.t FOR EACH ROW SET NEW.v = NEW.id");
      Connector connector = new Connector(new CredentialResolver());
      PreflightReport blocked = new PreflightRunner(connector).run(request(source, off));
      List<Finding> f = blocked.findings.stream().filter(x -> x.id.equals("trust-function-creators")).toList();
      assertEquals(1, f.size(), () -> PreflightReportFormatter.text(blocked));
      assertEquals(Finding.BLOCKING, f.get(0).severity);
      assertTrue(f.get(0).evidence.contains("function shop.twice") && f.get(0).evidence.contains("trigger shop.t_bi")
          && f.get(0).evidence.contains("1419"), f.get(0).evidence);
      assertTrue(f.get(0).advice.contains("parameter group"), f.get(0).advice);
      PreflightReport fine = new PreflightRunner(connector).run(request(source, on));
      assertTrue(fine.findings.stream().noneMatch(x -> x.id.equals("trust-function-creators")),
          () -> PreflightReportFormatter.text(fine));
    }
  }

  static MigrationRequest request(LocalMySql source, AuroraLikeMySql target) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "tfc";
    r.source = source.endpoint();
    r.target = target.endpoint();
    r.schemas = new java.util.ArrayList<>(List.of("shop"));
    return r;
  }
}
