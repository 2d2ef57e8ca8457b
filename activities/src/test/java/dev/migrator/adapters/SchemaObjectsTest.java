package dev.migrator.adapters;

import dev.migrator.activities.StepInputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.activities.SchemaActivities;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.testkit.Sakila;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.SchemaResult;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The schema step's objects and rewrites on two real MariaDB servers (shared by the class): Sakila's
 * views, routines and triggers, the DEFINER policies, MyISAM to InnoDB, deferred secondary indexes.
 * Each test works in its own schema.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SchemaObjectsTest {
  static LocalMariaDb source;
  static LocalMariaDb target;
  static TestActivityEnvironment env;
  static SchemaActivities schema;

  @BeforeAll
  static void start() {
    source = LocalMariaDb.start("schema-src");
    target = LocalMariaDb.start("schema-dst");
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new SchemaActivitiesImpl(new Connector(new CredentialResolver())));
    schema = env.newActivityStub(SchemaActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(3))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterAll
  static void stop() {
    if (env != null) env.close();
    if (source != null) source.close();
    if (target != null) target.close();
  }

  static MigrationRequest request(String db) {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = db;
    r.source = new Endpoint(source.host(), source.port(), "root", source.rootPasswordRef());
    r.target = new Endpoint(target.host(), target.port(), "root", target.rootPasswordRef());
    r.schemas.add(db);
    return r;
  }

  static String count(LocalMariaDb db, String sql) {
    return db.query(sql);
  }

  @Test
  void sakilaObjectsArriveAndTriggersOnlyAfterThePostLoadStep() {
    Sakila.load(source);
    MigrationRequest r = request("sakila");
    r.copy.deferSecondaryIndexes = true;
    String routines = "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'sakila'";
    String views = "SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'sakila'";
    String triggers = "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'sakila'";
    String titleIndex = "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'sakila'"
        + " AND TABLE_NAME = 'film' AND INDEX_NAME = 'idx_title'";
    String secondary = "SELECT COUNT(DISTINCT TABLE_NAME, INDEX_NAME) FROM information_schema.STATISTICS"
        + " WHERE TABLE_SCHEMA = 'sakila' AND NON_UNIQUE = 1";

    SchemaResult created = schema.createSchema(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null));

    assertTrue(Integer.parseInt(count(source, routines)) >= 6, "sakila has routines");
    assertEquals(count(source, routines), count(target, routines));
    assertEquals(count(source, views), count(target, views));
    assertEquals("0", count(target, triggers), "no trigger before the load");
    assertEquals("0", count(target, titleIndex), "film.idx_title is deferred");
    assertTrue(created.notes.stream().anyMatch(n -> n.contains("sakila.film: ") && n.contains("deferred")), created.notes.toString());
    assertTrue(created.notes.stream().anyMatch(n -> n.startsWith("view sakila.") && n.contains("DEFINER")), created.notes.toString());

    SchemaResult post = schema.createPostLoadObjects(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null));

    assertTrue(Integer.parseInt(count(source, triggers)) >= 3, "sakila has triggers");
    assertEquals(count(source, triggers), count(target, triggers));
    assertEquals("1", count(target, titleIndex));
    assertEquals(count(source, secondary), count(target, secondary), "every secondary index is back");
    assertTrue(post.notes.stream().anyMatch(n -> n.contains("added after the load")), post.notes.toString());
    assertTrue(post.notes.stream().anyMatch(n -> n.startsWith("trigger sakila.")), post.notes.toString());
    // Idempotent: a retried activity adds nothing twice.
    schema.createPostLoadObjects(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null));
    assertEquals(count(source, triggers), count(target, triggers));
    // The routines work on the target.
    target.sql("CALL sakila.film_in_stock(1, 1, @n)");
  }

  /** A view, procedure, function, trigger and event owned by a definer the target lacks. */
  static MigrationRequest definerSchema(String db, String policy) {
    source.sql("DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db,
        "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v INT)",
        "CREATE DEFINER=`app`@`%` VIEW " + db + ".v AS SELECT id FROM " + db + ".t",
        "CREATE DEFINER=`app`@`%` PROCEDURE " + db + ".p() SELECT 1",
        "CREATE DEFINER=`app`@`%` FUNCTION " + db + ".f() RETURNS INT DETERMINISTIC RETURN 1",
        "CREATE DEFINER=`app`@`%` TRIGGER " + db + ".tr BEFORE INSERT ON " + db + ".t FOR EACH ROW SET NEW.v = 1",
        "CREATE DEFINER=`app`@`%` EVENT " + db + ".e ON SCHEDULE EVERY 1 DAY DO DELETE FROM " + db + ".t");
    MigrationRequest r = request(db);
    r.schemaOptions.definer = policy;
    return r;
  }

  static List<String> definers(String db) {
    List<String> out = new ArrayList<>();
    out.addAll(target.queryRows("SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '" + db + "'"));
    out.addAll(target.queryRows("SELECT DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '" + db
        + "' ORDER BY ROUTINE_NAME"));
    out.addAll(target.queryRows("SELECT DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '" + db + "'"));
    out.addAll(target.queryRows("SELECT DEFINER FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '" + db + "'"));
    return out;
  }

  static List<String> migrate(MigrationRequest r) {
    List<String> notes = new ArrayList<>(schema.createSchema(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null)).notes);
    notes.addAll(schema.createPostLoadObjects(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null)).notes);
    return notes;
  }

  @Test
  void definerPolicies() {
    String me = target.query("SELECT CURRENT_USER()");
    MigrationRequest strip = definerSchema("def_strip", "strip");
    List<String> notes = migrate(strip);
    assertEquals(List.of(me, me, me, me, me), definers("def_strip"));
    assertEquals(5, notes.stream().filter(n -> n.contains("DEFINER `app`@`%` removed")).count(), notes.toString());
    assertEquals("DISABLED", target.query("SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'def_strip'"));
    assertTrue(notes.stream().anyMatch(n -> n.startsWith("event def_strip.e: created DISABLED")), notes.toString());

    notes = migrate(definerSchema("def_keep", "keep"));
    assertEquals(List.of("app@%", "app@%", "app@%", "app@%", "app@%"), definers("def_keep"));
    assertTrue(notes.stream().noneMatch(n -> n.contains("DEFINER")), notes.toString());

    notes = migrate(definerSchema("def_rewrite", "rewrite"));
    assertEquals(List.of(me, me, me, me, me), definers("def_rewrite"));
    assertEquals(5, notes.stream().filter(n -> n.contains("rewritten to CURRENT_USER")).count(), notes.toString());
  }

  @Test
  void enabledEventsMoveAtCutoverWithTheirDefinersAndBackOnRollback() throws Exception {
    MigrationRequest r = definerSchema("ev_move", "keep");
    source.sql("CREATE DEFINER=`app`@`%` EVENT ev_move.off ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM ev_move.t");
    SchemaResult created = schema.createSchema(StepInputs.schema(r, (dev.migrator.model.FrozenCopy) null));
    assertEquals(List.of("ev_move.e"), created.enabledEvents, "only the ENABLED one moves");
    String status = "SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'ev_move' AND EVENT_NAME = 'e'";
    String definer = "SELECT DEFINER FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'ev_move' AND EVENT_NAME = 'e'";
    assertEquals("DISABLED", target.query(status));

    // The definer exists on the target (an event is never enabled under one that does not: see ReplicationOnRealServers).
    target.sql("CREATE USER IF NOT EXISTS 'app'@'%'");
    CutoverActivitiesImpl cutover = new CutoverActivitiesImpl(new Connector(new CredentialResolver()));
    List<String> notes = cutover.switchEvents(StepInputs.cutover(r), created.enabledEvents, true);
    assertEquals("DISABLED", source.query(status));
    assertEquals("ENABLED", target.query(status));
    assertEquals("app@%", source.query(definer), "a plain ALTER EVENT would have made root the definer");
    assertEquals("app@%", target.query(definer));
    String scheduler = target.query("SELECT @@GLOBAL.event_scheduler");
    assertEquals(!"ON".equals(scheduler), notes.stream().anyMatch(n -> n.startsWith("event_scheduler is")), notes.toString());
    assertEquals(notes, cutover.switchEvents(StepInputs.cutover(r), created.enabledEvents, true), "again: nothing more to do");

    cutover.switchEvents(StepInputs.cutover(r), created.enabledEvents, false);
    assertEquals("ENABLED", source.query(status));
    assertEquals("DISABLED", target.query(status));
    assertEquals("app@%", source.query(definer));
    assertEquals("DISABLED", source.query("SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_NAME = 'off'"
        + " AND EVENT_SCHEMA = 'ev_move'"), "an event that was off stays off");
  }

  @Test
  void myIsamBecomesInnoDbWithANote() {
    source.sql("DROP DATABASE IF EXISTS eng", "CREATE DATABASE eng",
        "CREATE TABLE eng.m (id INT PRIMARY KEY, txt VARCHAR(100), KEY k (txt)) ENGINE=MyISAM CHECKSUM=1 DELAY_KEY_WRITE=1",
        "CREATE TABLE eng.i (id INT PRIMARY KEY) ENGINE=InnoDB",
        "CREATE TABLE eng.p (id INT PRIMARY KEY) ENGINE=MyISAM PARTITION BY HASH (id) PARTITIONS 2");
    List<String> notes = migrate(request("eng"));
    assertEquals("InnoDB", target.query("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'eng' AND TABLE_NAME = 'p'"));
    assertTrue(target.query("SHOW CREATE TABLE eng.p").isEmpty() || !target.queryRows("SHOW CREATE TABLE eng.p").toString()
        .contains("MyISAM"), "no partition keeps MyISAM");
    notes.remove("table eng.p: ENGINE=MyISAM changed to InnoDB (Aurora and replication safety need InnoDB)");
    assertEquals("InnoDB", target.query("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'eng' AND TABLE_NAME = 'm'"));
    assertEquals(List.of("table eng.m: ENGINE=MyISAM changed to InnoDB (Aurora and replication safety need InnoDB)"), notes);
  }

  @Test
  void anEngineTheTargetLacksIsConvertedOrRefused() {
    List<String> notes = new ArrayList<>();
    String ddl = "CREATE TABLE `a` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=Aria DEFAULT CHARSET=utf8mb4"
        + " PAGE_CHECKSUM=1 TRANSACTIONAL=1";
    assertEquals("CREATE TABLE `a` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        SchemaRewrites.engine(ddl, "s.a", Set.of("INNODB"), notes));
    assertEquals(List.of("table s.a: ENGINE=Aria changed to InnoDB (the target has no Aria)"), notes);
    ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> SchemaRewrites.engine(
        "CREATE TABLE `c` (\n  `id` int(11)\n) ENGINE=CONNECT", "s.c", Set.of("INNODB"), notes));
    assertTrue(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains("engine CONNECT is not available on the target"), f.getOriginalMessage());
  }

  @Test
  void eventsAreCreatedDisabled() {
    assertEquals("CREATE EVENT `e` ON SCHEDULE EVERY 1 DAY ON COMPLETION NOT PRESERVE DISABLE COMMENT 'it''s ENABLE DO x' DO"
        + " UPDATE t SET s = 'ENABLE DO'", SchemaRewrites.disabledEvent("CREATE EVENT `e` ON SCHEDULE EVERY 1 DAY ON"
        + " COMPLETION NOT PRESERVE ENABLE COMMENT 'it''s ENABLE DO x' DO UPDATE t SET s = 'ENABLE DO'"));
    assertEquals("CREATE EVENT `e` ON SCHEDULE AT '2030-01-01' ON COMPLETION PRESERVE DISABLE DO SELECT 1",
        SchemaRewrites.disabledEvent("CREATE EVENT `e` ON SCHEDULE AT '2030-01-01' ON COMPLETION PRESERVE DISABLE ON SLAVE DO SELECT 1"));
  }

  @Test
  void secondaryIndexesSplitKeepsKeysForChunkingAndForeignKeys() {
    String ddl = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `u` int(11) NOT NULL,\n  `p` int(11) DEFAULT NULL,\n"
        + "  `x` varchar(10) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `uq` (`u`),\n  KEY `fk_p` (`p`),\n"
        + "  KEY `ix` (`x`(5)),\n  FULLTEXT KEY `ft` (`x`),\n"
        + "  CONSTRAINT `c` FOREIGN KEY (`p`) REFERENCES `o` (`id`)\n) ENGINE=InnoDB";
    SchemaRewrites.Split s = SchemaRewrites.splitSecondaryIndexes(ddl);
    assertEquals(List.of("KEY `ix` (`x`(5))", "FULLTEXT KEY `ft` (`x`)"), s.deferred);
    assertEquals("CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `u` int(11) NOT NULL,\n  `p` int(11) DEFAULT NULL,\n"
        + "  `x` varchar(10) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `uq` (`u`),\n  KEY `fk_p` (`p`),\n"
        + "  CONSTRAINT `c` FOREIGN KEY (`p`) REFERENCES `o` (`id`)\n) ENGINE=InnoDB", s.ddl);
    assertEquals("ix", SchemaRewrites.indexName(s.deferred.get(0)));
  }
}
