package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationOptionsValidationTest {
  static MigrationRequest request() {
    MigrationRequest r = new MigrationRequest();
    r.source = new Endpoint("source.example", 3306, "admin", "env:SOURCE_DB_PASSWORD");
    r.target = new Endpoint("target.example", 3306, "admin", "env:TARGET_DB_PASSWORD");
    r.schemas.add("shop");
    r.replication.password = "env:REPL_PASSWORD";
    return r;
  }

  @Test
  void defaultsAndGtidWithSslCaOnASelfManagedTargetAreValid() {
    MigrationRequest r = request();
    r.replication.gtidAutoPosition = true;
    r.replication.sslCaFile = "/etc/mysql/source-ca.pem";
    assertEquals(List.of(), RequestValidator.problems(r));
  }

  @Test
  void badPollingNumbersAndACaFileForRdsAreRefused() {
    MigrationRequest r = request();
    r.target.flavor = "aurora-mysql";
    r.replication.sslCaFile = "/etc/mysql/source-ca.pem";
    r.replication.pollsPerRun = 0;
    r.replication.lagReportSeconds = -1;
    r.replication.connectRetrySeconds = 0;
    List<String> p = RequestValidator.problems(r);
    assertTrue(p.stream().anyMatch(x -> x.contains("pollsPerRun")), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.contains("lagReportSeconds")), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.contains("connectRetrySeconds")), p.toString());
    assertTrue(p.stream().anyMatch(x -> x.contains("sslCaFile") && x.contains("aurora-mysql")), p.toString());
  }
}
