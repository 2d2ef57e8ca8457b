package dev.migrator.workflow;

import static org.junit.jupiter.api.Assertions.*;

import dev.migrator.model.Endpoint;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.MigrationRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestValidatorFreezeTest {
  static MigrationRequest request(String method) {
    MigrationRequest r = new MigrationRequest();
    r.source = new Endpoint("src", 3306, "root", "env:SRC");
    r.target = new Endpoint("dst", 3306, "root", "env:DST");
    r.schemas = List.of("shop");
    r.method = method;
    return r;
  }

  @Test
  void stoppedReplicaNeedsTheReplicaEndpoint() {
    MigrationRequest r = request(FreezeMethod.STOPPED_REPLICA);
    assertTrue(RequestValidator.problems(r).stream().anyMatch(p -> p.contains("frozenReplica")));
    r.frozenReplica = new Endpoint("replica", 3306, "root", "plain-password");
    assertTrue(RequestValidator.problems(r).stream().anyMatch(p -> p.startsWith("frozenReplica.password")));
    r.frozenReplica.password = "env:REPLICA";
    assertEquals(List.of(), RequestValidator.problems(r));
  }

  @Test
  void auroraSnapshotNeedsASourceAndARowParameterGroup() {
    MigrationRequest r = request(FreezeMethod.AURORA_SNAPSHOT);
    assertTrue(RequestValidator.problems(r).stream().anyMatch(p -> p.contains("aurora.sourceClusterId")));
    r.aurora.sourceClusterId = "prod";
    assertTrue(RequestValidator.problems(r).stream().anyMatch(p -> p.contains("aurora.clusterParameterGroup")));
    r.aurora.clusterParameterGroup = "binlog-row";
    assertEquals(List.of(), RequestValidator.problems(r));
  }

  @Test
  void physicalBackupNeedsNothingMore() {
    assertEquals(List.of(), RequestValidator.problems(request(FreezeMethod.PHYSICAL_BACKUP)));
  }

  @Test
  void cloneAndPhysicalBackupAreRefusedForAnRdsOrAuroraSource() {
    for (String method : List.of(FreezeMethod.CLONE, FreezeMethod.PHYSICAL_BACKUP)) {
      MigrationRequest r = request(method);
      assertEquals(List.of(), RequestValidator.problems(r), method + " from a self-managed source");
      r.source.flavor = "aurora-mysql";
      List<String> problems = RequestValidator.problems(r);
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(problems.get(0).startsWith("method " + method + " needs a self-managed source"), problems.get(0));
      assertTrue(problems.get(0).contains("aurora-snapshot"), "names what to use instead: " + problems.get(0));
    }
  }
}
