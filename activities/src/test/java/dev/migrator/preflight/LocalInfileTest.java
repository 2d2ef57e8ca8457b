package dev.migrator.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.copy.ChunkWriter;
import dev.migrator.model.CopyOptions.WriteMethod;
import dev.migrator.model.Finding;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.model.StageOptions;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.servers.MySqlServer;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.LocalMySql;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue 18's default write method AUTO on a MySQL 9.7 target: LOAD DATA LOCAL where local_infile
 * is ON, batched INSERT where it is OFF (MySQL's own default), with a preflight note; LOAD_DATA or
 * the staged transport on such a target is blocked before anything changes.
 */
class LocalInfileTest {
  @Test
  void autoFollowsTheTargetsLocalInfileAndPreflightSaysWhatItMeans() throws Exception {
    assumeTrue(MySqlServer.find().isPresent() || MySqlServer.required(), MySqlServer.missingMessage());
    CompletableFuture<LocalMariaDb> s = CompletableFuture.supplyAsync(() -> LocalMariaDb.start("li-src"));
    try (LocalMySql target = LocalMySql.start("li-dst"); LocalMariaDb source = s.join()) {
      source.sql("CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)");
      Connector connector = new Connector(new CredentialResolver());
      try (Connection dst = target.connect()) {
        assertEquals(WriteMethod.LOAD_DATA, ChunkWriter.forTarget(WriteMethod.AUTO, dst).method());
        assertTrue(findings(connector, request(source, target, null)).isEmpty(), "ON: nothing to say");

        target.sql("SET GLOBAL local_infile = 0");
        assertEquals(WriteMethod.INSERT, ChunkWriter.forTarget(WriteMethod.AUTO, dst).method());
        assertEquals(WriteMethod.LOAD_DATA, ChunkWriter.forTarget(WriteMethod.LOAD_DATA, dst).method(), "what a request sets stays");
        assertEquals(WriteMethod.INSERT, ChunkWriter.forTarget(null, dst).method(), "left out before AUTO: INSERT");
      }
      List<Finding> auto = findings(connector, request(source, target, null));
      assertEquals(1, auto.size(), auto::toString);
      assertEquals(Finding.INFO, auto.get(0).severity);
      assertTrue(auto.get(0).evidence.contains("INSERT") && auto.get(0).advice.contains("SET PERSIST local_infile = ON"),
          auto.get(0)::toString);

      List<Finding> load = findings(connector, request(source, target, WriteMethod.LOAD_DATA));
      assertEquals(Finding.BLOCKING, load.get(0).severity);
      assertTrue(load.get(0).evidence.contains("3948") && load.get(0).advice.contains("AUTO"), load.get(0)::toString);

      MigrationRequest staged = request(source, target, null);
      staged.copy.transport = "staged";
      staged.copy.stage = new StageOptions();
      staged.copy.stage.location = java.nio.file.Files.createTempDirectory("li-stage").toString();
      List<Finding> st = findings(connector, staged);
      assertEquals(Finding.BLOCKING, st.get(0).severity, st::toString);
      assertTrue(st.get(0).evidence.contains("staged transport"), st.get(0)::toString);
    }
  }

  private static List<Finding> findings(Connector connector, MigrationRequest r) {
    PreflightReport report = new PreflightRunner(connector).run(r);
    return report.findings.stream().filter(f -> f.id.equals("local-infile-off")).toList();
  }

  static MigrationRequest request(LocalMariaDb source, LocalMySql target, WriteMethod method) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "li";
    r.source = source.endpoint();
    r.target = target.endpoint();
    r.method = FreezeMethod.PHYSICAL_BACKUP;
    r.schemas = new java.util.ArrayList<>(List.of("shop"));
    r.copy.writeMethod = method;
    return r;
  }
}
