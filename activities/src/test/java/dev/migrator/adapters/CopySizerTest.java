package dev.migrator.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.CopySizing;
import dev.migrator.model.Endpoint;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import org.junit.jupiter.api.Test;

/** The copy's default parallelism from the servers' CPUs (handbook's rule of thumb), on real servers. */
class CopySizerTest {
  private static Endpoint endpoint(LocalMariaDb db) {
    return new Endpoint(db.host(), db.port(), "root", db.rootPasswordRef());
  }

  @Test
  void cpusComeFromTheRequestThenMariaDbThenTheLoopbackHost() {
    try (LocalMariaDb frozen = LocalMariaDb.start(new LocalMariaDb.Options().name("size-src").config("thread_pool_size=6"));
        LocalMariaDb target = LocalMariaDb.start("size-dst")) {
      CopySizer sizer = new CopySizer(new Connector(new CredentialResolver()));
      Endpoint src = endpoint(frozen);
      Endpoint dst = endpoint(target);
      dst.cpus = 8;
      CopySizing s = sizer.size(src, dst);
      assertEquals(6, s.sourceCpus, s.notes.toString()); // thread_pool_size defaults to the server's CPUs
      assertEquals(8, s.targetCpus);
      assertEquals(6, s.readers);
      assertEquals(4, s.writers);
      assertEquals(4, s.slots);
      assertTrue(s.notes.get(0).contains("thread_pool_size"), s.notes.toString());
      assertTrue(s.notes.get(1).contains("given"), s.notes.toString());
    }
  }

  @Test
  void anUnreachableRemoteServerCountsAsTwoCpusWithANote() {
    CopySizer sizer = new CopySizer(new Connector(new CredentialResolver()));
    Endpoint nowhere = new Endpoint("nowhere.invalid", 3306, "root", null); // never resolves
    Endpoint local = new Endpoint("127.0.0.1", 1, "root", null); // loopback, nothing listening
    CopySizing s = sizer.size(local, nowhere);
    assertEquals(Runtime.getRuntime().availableProcessors(), s.sourceCpus);
    assertNull(s.targetCpus);
    assertEquals(2, s.writers); // 2 assumed: at least 2 writers from 2 CPUs
    assertTrue(s.notes.get(1).contains("set target.cpus"), s.notes.toString());
  }

  @Test
  void instanceClassesNameTheirVcpus() {
    assertEquals(2, CopySizer.vcpus("db.r6g.large"));
    assertEquals(4, CopySizer.vcpus("db.r6g.xlarge"));
    assertEquals(64, CopySizer.vcpus("db.r7g.16xlarge"));
    assertEquals(2, CopySizer.vcpus("db.t3.medium"));
    assertNull(CopySizer.vcpus("db.serverless"));
    assertNull(CopySizer.vcpus(null));
  }

  @Test
  void ruleOfThumb() {
    assertEquals(4, CopySizing.ruleOfThumb(2, 2).slots, "4 at once on 2 cores: measured faster than 2, and 2 than 1");
    assertEquals(2, CopySizing.ruleOfThumb(2, 2).writers, "the handbook's writers are still reported");
    assertEquals(2, CopySizing.ruleOfThumb(1, 2).slots, "two per CPU of a 1-CPU source");
    assertEquals(2, CopySizing.ruleOfThumb(1, 1).slots);
    assertEquals(2, CopySizing.ruleOfThumb(8, 4).writers);
    assertEquals(4, CopySizing.ruleOfThumb(8, 8).writers);
    assertEquals(4, CopySizing.ruleOfThumb(2, 16).slots);
    assertEquals(4, CopySizing.ruleOfThumb(4, 4).slots);
    assertEquals(8, CopySizing.ruleOfThumb(16, 16).slots);
    assertEquals(1, CopySizing.ruleOfThumb(1, 1).writers);
  }
}
