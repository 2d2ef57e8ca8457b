package dev.migrator.workflow;

import dev.migrator.activities.CopyActivities;
import dev.migrator.activities.CutoverActivities;
import dev.migrator.activities.FreezeActivities;
import dev.migrator.activities.PreflightActivities;
import dev.migrator.activities.ReplicationActivities;
import dev.migrator.activities.RetentionActivities;
import dev.migrator.activities.SchemaActivities;
import dev.migrator.activities.VerifyActivities;
import dev.migrator.model.BinlogCoordinates;
import dev.migrator.model.CopyProgress;
import dev.migrator.model.Finding;
import dev.migrator.model.FrozenCopy;
import dev.migrator.model.LagReading;
import dev.migrator.model.LiveCopyResult;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.PreflightReport;
import dev.migrator.model.ReplicationStatus;
import dev.migrator.model.RetentionChange;
import dev.migrator.model.SchemaResult;
import dev.migrator.model.TableChecksum;
import dev.migrator.model.TableRef;
import dev.migrator.model.TableVerification;
import dev.migrator.model.VerifyResult;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory fakes of every activity interface. Every call is appended, in order, to one shared
 * thread-safe {@link Journal}; {@link #fail} makes an activity throw a non-retryable
 * ApplicationFailure and {@link #block} makes it wait until {@link #release}d.
 */
final class FakeActivities {
  /** Failure type thrown by activities told to fail. */
  static final String FAKE_FAILURE = "FakeFailure";

  static final BinlogCoordinates SNAPSHOT_POSITION = new BinlogCoordinates("mysql-bin.000003", 4711, null);
  static final BinlogCoordinates FINAL_POSITION = new BinlogCoordinates("mysql-bin.000004", 900, null);
  static final long SOURCE_READ_ONLY_AT = 1_000;
  static final long TARGET_WRITABLE_AT = 1_250;

  /** Ordered, thread-safe record of activity calls, e.g. "setSourceReadOnly(true)". */
  static final class Journal {
    private final List<String> calls = new ArrayList<>();

    synchronized void add(String call) {
      calls.add(call);
      notifyAll();
    }

    synchronized List<String> calls() {
      return List.copyOf(calls);
    }

    /** Calls whose method name (the part before '(') is {@code method}. */
    synchronized long count(String method) {
      return calls.stream().filter(c -> methodOf(c).equals(method)).count();
    }

    /** Method names only, in order. */
    synchronized List<String> methods() {
      return calls.stream().map(Journal::methodOf).toList();
    }

    /** Waits (up to a generous guard) until {@code method} has been called {@code times} times. */
    synchronized void awaitCalls(String method, int times) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (count(method) < times) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("activity " + method + " was not called " + times + " time(s); journal: " + calls);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    static String methodOf(String call) {
      int p = call.indexOf('(');
      return p < 0 ? call : call.substring(0, p);
    }
  }

  final Journal journal = new Journal();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  /** When true, verify returns ok=false (a mismatch) instead of throwing. */
  volatile boolean verifyMismatch;
  /** Inline checksums: chunks ("schema.table#ordinal") copied without sums, as after a crash between commit and checksum. */
  final java.util.Set<String> unknownSums = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** The last verify input (inline sums included). */
  volatile dev.migrator.activities.VerifyInput lastVerify;
  /** The CopyInput.inlineChecksums of every copyChunks / dumpChunks / loadChunks call. */
  final List<Integer> inlineFlags = java.util.Collections.synchronizedList(new ArrayList<>());
  /** The copy.writeMethod of every copyChunks call. */
  final List<dev.migrator.model.CopyOptions.WriteMethod> writeMethods = java.util.Collections.synchronizedList(new ArrayList<>());
  /** The deferSecondaryIndexes of every createSchema call. */
  final List<Boolean> schemaDefers = java.util.Collections.synchronizedList(new ArrayList<>());

  /** A chunk's fake inline sum: 10 rows, a distinct hash per chunk. */
  static dev.migrator.model.ContentSum fakeSum(dev.migrator.model.Chunk c) {
    long h = (c.table.qualified() + "#" + c.ordinal).hashCode() & 0xffffffffL;
    return new dev.migrator.model.ContentSum(10, h, h);
  }

  void inline(dev.migrator.activities.CopyInput in, dev.migrator.model.Chunk c, dev.migrator.model.ChunkResult res) {
    if (in.inlineChecksums < 1 || unknownSums.contains(c.table.qualified() + "#" + c.ordinal)) return;
    res.source = fakeSum(c);
    res.target = fakeSum(c);
  }
  /** What replicationUserExists answers: whether the account existed before the migration. */
  volatile boolean replicationUserExisted;
  /** What startReplication / startReverseReplication say of the channel's TLS (default: TLS, no warning). */
  volatile dev.migrator.model.ChannelTls channelTls = encrypted();

  static dev.migrator.model.ChannelTls encrypted() {
    dev.migrator.model.ChannelTls t = new dev.migrator.model.ChannelTls();
    t.tls = true;
    t.description = "replication over TLS (the source offers TLS; CA /etc/ca.pem on the replica, name verified)";
    t.replicaSaysEncrypted = true;
    return t;
  }
  /** The source's binlog retention (hours) as the retention fakes read, change and restore it. */
  volatile Integer sourceRetentionHours = 1;
  static final BinlogCoordinates TARGET_POSITION = new BinlogCoordinates("target-bin.000002", 1234, null);

  /** Seconds_Behind_Master that awaitCatchUp reports (positions still say caught up). */
  final java.util.concurrent.atomic.AtomicLong lagSeconds = new java.util.concurrent.atomic.AtomicLong();

  /** How many more awaitCatchUp calls report a broken replication thread. */
  final AtomicInteger lagErrorsLeft = new AtomicInteger();
  /** The note the "behind" readings carry (a source outage, issue 15); null: none. */
  volatile String behindNote;
  /** When set, the caught-up reading waits for it (at most 20 s): the test reads the status in between. */
  volatile CountDownLatch beforeCaughtUp;
  /** Error kind those readings report. */
  volatile String lagErrorKind = "duplicate-key";
  /** How many more awaitCatchUp calls report "still behind" before catching up. */
  final AtomicInteger behindPollsLeft = new AtomicInteger();
  /** Lag (seconds) of the n-th "still behind" reading. */
  volatile java.util.function.LongUnaryOperator lagSecondsAt = n -> 1000;

  private final java.util.concurrent.atomic.AtomicLong polls = new java.util.concurrent.atomic.AtomicLong();

  /** From now on {@code method} throws a non-retryable ApplicationFailure. */
  FakeActivities fail(String method) {
    failing.add(method);
    return this;
  }

  /** From now on {@code method} succeeds again. */
  FakeActivities succeed(String method) {
    failing.remove(method);
    return this;
  }

  /** From now on {@code method} waits, after recording its call, until {@link #release}. */
  FakeActivities block(String method) {
    gates.put(method, new CountDownLatch(1));
    return this;
  }

  /** Lets current and future calls of {@code method} through. */
  FakeActivities release(String method) {
    CountDownLatch gate = gates.remove(method);
    if (gate != null) gate.countDown();
    return this;
  }

  /** Records the call, then honours the block and fail knobs. */
  private void call(String method, Object... args) {
    StringBuilder sb = new StringBuilder(method).append('(');
    for (int i = 0; i < args.length; i++) {
      if (i > 0) sb.append(", ");
      sb.append(args[i]);
    }
    journal.add(sb.append(')').toString());
    CountDownLatch gate = gates.get(method);
    if (gate != null) {
      try {
        // No heartbeats: a cancellation is never seen by the fake, so a blocked call always ends
        // when the test releases it (WAIT_CANCELLATION_COMPLETED then lets the workflow go on).
        if (!gate.await(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test never released blocked activity " + method);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (failing.contains(method)) {
      throw ApplicationFailure.newNonRetryableFailure("injected failure in " + method, FAKE_FAILURE);
    }
  }

  /** chunkRows each planPage call was given (adaptive chunk size). */
  final List<Long> plannedChunkRows = java.util.Collections.synchronizedList(new ArrayList<>());
  /** Per-chunk wall time the fake copy reports. */
  long chunkMillis = 0;
  /** How many more loadChunks calls fail as if their files were gone. */
  final java.util.concurrent.atomic.AtomicInteger missingFiles = new java.util.concurrent.atomic.AtomicInteger();

  /** The staged transport; records the task queue each call ran on ("dumpChunks@queue"). */
  final class Staged implements dev.migrator.activities.StagedCopyActivities {
    private String queue() {
      return io.temporal.activity.Activity.getExecutionContext().getInfo().getActivityTaskQueue();
    }

    @Override
    public List<dev.migrator.model.StagedChunk> dumpChunks(dev.migrator.activities.CopyInput request,
        List<dev.migrator.model.Chunk> chunks) {
      call("dumpChunks@" + queue(), chunks.size());
      inlineFlags.add(request.inlineChecksums);
      List<dev.migrator.model.StagedChunk> out = new ArrayList<>();
      for (dev.migrator.model.Chunk c : chunks) {
        dev.migrator.model.StagedChunk sc = new dev.migrator.model.StagedChunk(c, c.id() + ".tsv", 10, 100);
        if (request.inlineChecksums >= 1) sc.source = fakeSum(c);
        out.add(sc);
      }
      return out;
    }

    @Override
    public List<dev.migrator.model.ChunkResult> loadChunks(dev.migrator.activities.CopyInput request,
        List<dev.migrator.model.StagedChunk> chunks) {
      call("loadChunks@" + queue(), chunks.size());
      if (missingFiles.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw ApplicationFailure.newNonRetryableFailure("staged chunk gone",
            dev.migrator.activities.StagedCopyActivities.STAGED_CHUNK_MISSING);
      }
      List<dev.migrator.model.ChunkResult> out = new ArrayList<>();
      for (dev.migrator.model.StagedChunk c : chunks) {
        dev.migrator.model.ChunkResult res = new dev.migrator.model.ChunkResult(c.chunk.table, c.chunk.ordinal, c.rows, c.bytes, null);
        if (c.source != null) inline(request, c.chunk, res);
        out.add(res);
      }
      return out;
    }

    @Override
    public void deleteStage(dev.migrator.activities.CopyInput request) {
      call("deleteStage", request.copy.stage.location);
    }
  }

  /** What fenceSource reports; a lock id makes the cutover release it. */
  volatile String fenceHow = "read_only + super_read_only";
  volatile Long fenceLock = null;
  /** The activity attempt the fake live-consistent copy reports (above 1: restarted). */
  volatile int liveCopyAttempt = 1;
  /** Findings the fake preflight adds to its report (e.g. a blocking one). */
  final List<Finding> extraFindings = java.util.Collections.synchronizedList(new ArrayList<>());
  /** How many more watchReplication calls (the approval wait) report a broken replication thread. */
  final AtomicInteger watchErrorsLeft = new AtomicInteger();
  /** watchReplication calls (the approval wait's polls). */
  final AtomicInteger watchPolls = new AtomicInteger();
  /** How many more confirmSourceStill calls find that the source moved. */
  final AtomicInteger sourceMovesLeft = new AtomicInteger();

  /** Events the fake schema step reports as enabled on the source. */
  final List<String> enabledEvents = new ArrayList<>();

  /** Chunks the fake planner makes per table. */
  int chunksPerTable = 3;

  /** Tables per schema the fake schema step reports; 0 = customers and orders. */
  int tablesPerSchema = 0;

  List<TableRef> tables(MigrationRequest r) {
    return tables(r.schemas);
  }

  List<TableRef> tables(List<String> schemas) {
    if (tablesPerSchema == 0) return tablesOf(schemas);
    List<TableRef> t = new ArrayList<>();
    for (String s : schemas) {
      for (int i = 0; i < tablesPerSchema; i++) t.add(new TableRef(s, "t" + i));
    }
    return t;
  }

  static List<TableRef> tablesOf(MigrationRequest r) {
    return tablesOf(r.schemas);
  }

  static List<TableRef> tablesOf(List<String> schemas) {
    List<TableRef> t = new ArrayList<>();
    for (String s : schemas) {
      t.add(new TableRef(s, "customers"));
      t.add(new TableRef(s, "orders"));
    }
    return t;
  }

  /**
   * A test environment with the migration's workflows and these fakes registered on {@code queue}
   * and search attributes defined; the caller may add workers, then calls {@code start()}.
   */
  io.temporal.testing.TestWorkflowEnvironment environment(String queue) {
    io.temporal.testing.TestWorkflowEnvironment env = io.temporal.testing.TestWorkflowEnvironment.newInstance();
    MigrationSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
    io.temporal.worker.Worker worker = env.newWorker(queue);
    worker.registerWorkflowImplementationTypes(MigrationWorkflowImpl.class, CatchUpWorkflowImpl.class,
        TableCopyWorkflowImpl.class);
    worker.registerActivitiesImplementations(all());
    return env;
  }

  Object[] all() {
    return new Object[] {
      new Preflight(), new Retention(), new Freeze(), new Schema(), new Copy(), new Verify(), new Replication(),
      new Cutover(), new Traffic(), new Staged(), new Accounts(), new RedoLog()
    };
  }

  /** Grants the first copyAccounts reports as deferred (objects the schema step creates). */
  volatile int accountsDeferredGrants;
  /** How many accounts syncAccounts reports as refused (the target cannot take them). */
  volatile int accountsRefusedAtSync;
  /** How many accounts syncAccounts reports as changed on the source since the copy. */
  volatile int accountsChangedAtSync = 2;
  private final AtomicInteger accountCopies = new AtomicInteger();

  final class Accounts implements dev.migrator.activities.AccountsActivities {
    private dev.migrator.model.AccountsResult result(String op, boolean applied) {
      dev.migrator.model.AccountsResult r = new dev.migrator.model.AccountsResult();
      r.operation = op;
      r.applied = applied;
      return r;
    }

    @Override
    public dev.migrator.model.AccountsResult planAccounts(dev.migrator.model.AccountsInput in) {
      call("planAccounts");
      return result("plan", false);
    }

    @Override
    public dev.migrator.model.AccountsResult copyAccounts(dev.migrator.model.AccountsInput in) {
      call("copyAccounts", in.readFrom == null ? null : in.readFrom.host);
      dev.migrator.model.AccountsResult r = result("copy", true);
      r.created = 3;
      r.deferredGrants = accountCopies.getAndIncrement() == 0 ? accountsDeferredGrants : 0;
      r.strippedGrants = 1;
      r.warnings.add("'app'@'%': SUPER ON *.* stripped (the target does not give it)");
      r.summary = "created 3 accounts" + (r.deferredGrants == 0 ? "" : "; " + r.deferredGrants + " grants deferred");
      return r;
    }

    @Override
    public dev.migrator.model.AccountsResult diffAccounts(dev.migrator.model.AccountsInput in) {
      call("diffAccounts");
      return result("diff", false);
    }

    @Override
    public dev.migrator.model.AccountsResult syncAccounts(dev.migrator.model.AccountsInput in) {
      call("syncAccounts");
      dev.migrator.model.AccountsResult r = result("sync", true);
      r.updated = accountsChangedAtSync;
      r.refused = accountsRefusedAtSync;
      if (r.refused > 0) r.warnings.add("'old'@'%': its plugin mysql_native_password is not on the target");
      r.summary = r.updated + " accounts changed on the source since the copy: applied";
      return r;
    }

    @Override
    public List<String> dropCreatedAccounts(dev.migrator.model.AccountsInput in) {
      call("dropCreatedAccounts");
      return List.of("dropped 3 accounts this migration created");
    }

    @Override
    public List<String> releaseAccounts(dev.migrator.model.AccountsInput in) {
      call("releaseAccounts");
      return List.of("3 accounts released to the application");
    }
  }

  /** The target's redo log as the fakes switch it (copy.disableRedoLog); idempotent like the real one. */
  volatile boolean redoLogEnabled = true;

  final class RedoLog implements dev.migrator.activities.RedoLogActivities {
    @Override
    public String disableRedoLog(dev.migrator.activities.CopyInput in) {
      call("disableRedoLog");
      boolean was = redoLogEnabled;
      redoLogEnabled = false;
      return was ? "redo log disabled" : "redo log already disabled";
    }

    @Override
    public String enableRedoLog(dev.migrator.activities.CopyInput in) {
      call("enableRedoLog");
      boolean was = redoLogEnabled;
      redoLogEnabled = true;
      return was ? "redo log already enabled" : "redo log enabled";
    }
  }

  final class Preflight implements PreflightActivities {
    @Override
    public PreflightReport preflight(MigrationRequest request) {
      call("preflight");
      PreflightReport rep = new PreflightReport()
          .add(new Finding("connect", Finding.INFO, "source", "connected", null))
          .add(new Finding("binlog_row_image", Finding.WARNING, "source", "MINIMAL", "set it to FULL"));
      extraFindings.forEach(rep::add);
      return rep;
    }
  }

  final class Retention implements RetentionActivities {
    @Override
    public RetentionChange readRetention(dev.migrator.activities.RetentionInput request) {
      call("readRetention");
      RetentionChange c = new RetentionChange();
      c.previousHours = sourceRetentionHours;
      return c;
    }

    /** Applies the change first, so that a failure knob models a change whose confirmation failed. */
    @Override
    public RetentionChange ensureRetention(dev.migrator.activities.RetentionInput request, RetentionChange before) {
      sourceRetentionHours = request.retentionHours;
      call("ensureRetention", before.previousHours);
      RetentionChange c = new RetentionChange();
      c.changed = true;
      c.previousHours = before.previousHours;
      c.newHours = request.retentionHours;
      return c;
    }

    @Override
    public void restoreRetention(dev.migrator.activities.RetentionInput request, RetentionChange before) {
      call("restoreRetention", before == null ? null : before.previousHours);
      if (before != null) sourceRetentionHours = before.previousHours; // null: nothing recorded, no-op
    }
  }

  final class Freeze implements FreezeActivities {
    @Override
    public FrozenCopy freeze(dev.migrator.activities.FreezeInput request) {
      call("freeze", request.migrationId);
      FrozenCopy f = new FrozenCopy();
      f.method = request.method;
      f.note = "fake";
      if (!"live-consistent".equals(request.method)) {
        f.endpoint = new dev.migrator.model.Endpoint("frozen.local", 3306, "root", null);
        f.resumable = true;
      }
      return f;
    }

    @Override
    public void releaseFrozenCopy(dev.migrator.activities.FreezeInput request) {
      call("releaseFrozenCopy", request.migrationId);
    }
  }

  final class Schema implements SchemaActivities {
    @Override
    public List<TableRef> listTables(dev.migrator.activities.SchemaInput request) {
      call("listTables");
      return tables(request.schemas);
    }

    @Override
    public SchemaResult createSchema(dev.migrator.activities.SchemaInput request) {
      call("createSchema", request.schemas);
      schemaDefers.add(request.deferSecondaryIndexes);
      SchemaResult res = new SchemaResult();
      res.createdSchemas.addAll(request.schemas);
      res.tables.addAll(tables(request.schemas));
      res.enabledEvents.addAll(enabledEvents);
      return res;
    }

    @Override
    public SchemaResult createPostLoadObjects(dev.migrator.activities.SchemaInput request) {
      call("createPostLoadObjects", request.schemas);
      return new SchemaResult();
    }

    @Override
    public SchemaResult addDeferredIndexes(dev.migrator.activities.SchemaInput request, List<TableRef> tables) {
      call("addDeferredIndexes", tables);
      return new SchemaResult();
    }

    @Override
    public List<String> dropSchemas(dev.migrator.activities.SchemaInput request, List<String> schemas) {
      call("dropSchemas", schemas);
      return List.of();
    }

    @Override
    public void releaseSchemas(dev.migrator.activities.SchemaInput request, List<String> schemas) {
      call("releaseSchemas", schemas);
    }
  }

  final class Copy implements CopyActivities {
    @Override
    public LiveCopyResult copyLiveConsistent(dev.migrator.activities.CopyInput request, List<TableRef> tables, String workflowId) {
      call("copyLiveConsistent", tables);
      LiveCopyResult res = new LiveCopyResult();
      res.attempt = liveCopyAttempt;
      res.coordinates = SNAPSHOT_POSITION;
      CopyProgress p = new CopyProgress();
      p.tablesTotal = tables.size();
      p.tablesDone = tables.size();
      p.rows = 100L * tables.size();
      res.progress = p;
      for (TableRef t : tables) {
        res.sourceChecksums.add(new TableChecksum(t.qualified(), 100, "c-" + t.qualified()));
      }
      return res;
    }

    @Override
    public List<String> truncateTables(dev.migrator.activities.CopyInput request, List<TableRef> tables) {
      call("truncateTables", tables);
      return List.of();
    }

    @Override
    public dev.migrator.model.CopySizing sizeCopy(dev.migrator.activities.CopyInput request) {
      call("sizeCopy", request.from);
      dev.migrator.model.CopySizing s = dev.migrator.model.CopySizing.ruleOfThumb(4, 4);
      s.notes.add("fake");
      return s;
    }

    @Override
    public List<dev.migrator.model.ChunkPlan> planPage(dev.migrator.activities.CopyInput request,
        List<TableRef> tables, dev.migrator.model.Chunk previous, int maxChunks, long chunkRows) {
      plannedChunkRows.add(chunkRows);
      call("planPage", tables.get(0) + (previous == null ? "" : "#" + (previous.ordinal + 1)));
      List<dev.migrator.model.ChunkPlan> pages = new java.util.ArrayList<>();
      int planned = 0;
      for (int ti = 0; ti < tables.size() && planned < maxChunks; ti++) {
        TableRef t = tables.get(ti);
        int from = ti == 0 && previous != null ? previous.ordinal + 1 : 0;
        int to = Math.min(chunksPerTable, from + (maxChunks - planned));
        dev.migrator.model.ChunkPlan p = new dev.migrator.model.ChunkPlan();
        p.table = t;
        p.firstOrdinal = from;
        for (int i = from; i < to; i++) {
          dev.migrator.model.Chunk c = new dev.migrator.model.Chunk();
          c.table = t;
          c.ordinal = i;
          c.keyColumns = null;
          p.chunks.add(c);
        }
        planned += to - from;
        p.complete = to >= chunksPerTable;
        p.keyColumns = null;
        pages.add(p);
        if (!p.complete) break;
      }
      return pages;
    }

    @Override
    public List<dev.migrator.model.ChunkResult> copyChunks(dev.migrator.activities.CopyInput request,
        List<dev.migrator.model.Chunk> chunks) {
      call("copyChunks", chunks.get(0).table + "#" + chunks.size());
      inlineFlags.add(request.inlineChecksums);
      writeMethods.add(request.copy.writeMethod);
      List<dev.migrator.model.ChunkResult> out = new java.util.ArrayList<>();
      for (dev.migrator.model.Chunk c : chunks) {
        dev.migrator.model.ChunkResult res = new dev.migrator.model.ChunkResult(c.table, c.ordinal, 10, 100, "x");
        res.millis = chunkMillis;
        inline(request, c, res);
        out.add(res);
      }
      return out;
    }
  }

  final class Verify implements VerifyActivities {
    @Override
    public VerifyResult verify(dev.migrator.activities.VerifyInput in) {
      lastVerify = in;
      List<TableChecksum> sourceChecksums = in.sourceChecksums;
      // Null: a frozen copy's endpoint is checksummed by the activity itself.
      call("verify", sourceChecksums == null ? "frozen copy" : sourceChecksums.size());
      VerifyResult res = new VerifyResult();
      res.ok = !verifyMismatch;
      for (TableChecksum c : sourceChecksums == null ? List.<TableChecksum>of() : sourceChecksums) {
        TableVerification v = new TableVerification();
        v.table = c.table;
        v.source = c;
        v.target = verifyMismatch ? new TableChecksum(c.table, c.rows - 1, "other") : c;
        v.match = !verifyMismatch;
        res.tables.add(v);
      }
      return res;
    }
  }

  final class Replication implements ReplicationActivities {
    @Override
    public boolean replicationUserExists(dev.migrator.activities.ReplicationInput request) {
      call("replicationUserExists", request.replication.user);
      return replicationUserExisted;
    }

    @Override
    public boolean ensureReplicationUser(dev.migrator.activities.ReplicationInput request) {
      call("ensureReplicationUser", request.replication.user);
      return true;
    }

    @Override
    public void dropReplicationUser(dev.migrator.activities.ReplicationInput request) {
      call("dropReplicationUser", request.replication.user);
    }

    @Override
    public dev.migrator.model.ChannelTls startReplication(dev.migrator.activities.ReplicationInput request,
        BinlogCoordinates from) {
      call("startReplication", from);
      return channelTls;
    }

    @Override
    public void stopAndResetReplication(dev.migrator.activities.ReplicationInput request) {
      call("stopAndResetReplication");
    }

    @Override
    public LagReading awaitCatchUp(dev.migrator.activities.ReplicationInput request, int maxSeconds) {
      call("awaitCatchUp");
      LagReading l = new LagReading();
      if (lagErrorsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        l.caughtUp = false;
        l.errorKind = dev.migrator.model.ReplicationErrorKind.of(lagErrorKind);
        l.progress = LagReading.ERROR;
        l.diagnosis = "the target already has row 42 of shop.orders";
        return l;
      }
      int behind = behindPollsLeft.getAndUpdate(n -> Math.max(0, n - 1));
      if (behind > 0) {
        // Still behind: lag as lagSecondsAt(poll) says, one poll per pollSeconds of fake time.
        long n = polls.incrementAndGet();
        l.caughtUp = false;
        l.progress = LagReading.MOVING;
        l.polledAtMillis = n * request.replication.pollSeconds * 1000L;
        ReplicationStatus rs = new ReplicationStatus();
        rs.configured = true;
        rs.ioRunning = true;
        rs.sqlRunning = true;
        rs.secondsBehind = lagSecondsAt.applyAsLong(n);
        rs.executedFile = SNAPSHOT_POSITION.file;
        rs.executedPosition = SNAPSHOT_POSITION.position + n;
        l.replica = rs;
        l.sourcePosition = FINAL_POSITION;
        l.note = behindNote;
        return l;
      }
      CountDownLatch wait = beforeCaughtUp;
      if (wait != null) {
        try {
          wait.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      l.caughtUp = true;
      l.progress = LagReading.CAUGHT_UP;
      l.sourcePosition = FINAL_POSITION;
      ReplicationStatus rs = new ReplicationStatus();
      rs.configured = true;
      rs.ioRunning = true;
      rs.sqlRunning = true;
      rs.secondsBehind = lagSeconds.get();
      rs.executedFile = FINAL_POSITION.file;
      rs.executedPosition = FINAL_POSITION.position;
      l.replica = rs;
      return l;
    }

    /** Watch mode reads like awaitCatchUp but never returns on "caught up" alone; fake time stands still. */
    @Override
    public LagReading watchReplication(dev.migrator.activities.ReplicationInput request, int maxSeconds, int maxLagSeconds) {
      // Not journaled: how many polls run while a test waits for approval depends on timing.
      watchPolls.incrementAndGet();
      try {
        Thread.sleep(20); // a real poll takes time; this keeps time-skipping from spinning the watch
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LagReading l = new LagReading();
      if (watchErrorsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        l.errorKind = dev.migrator.model.ReplicationErrorKind.of(lagErrorKind);
        l.progress = LagReading.ERROR;
        l.diagnosis = "the target already has row 42 of shop.orders";
        l.replica = new ReplicationStatus();
        l.replica.configured = true;
        l.replica.ioRunning = true;
        return l;
      }
      ReplicationStatus rs = new ReplicationStatus();
      rs.configured = true;
      rs.ioRunning = true;
      rs.sqlRunning = true;
      rs.secondsBehind = lagSeconds.get();
      rs.executedFile = FINAL_POSITION.file;
      rs.executedPosition = FINAL_POSITION.position;
      l.replica = rs;
      l.caughtUp = true;
      l.progress = LagReading.CAUGHT_UP;
      l.sourcePosition = FINAL_POSITION;
      return l;
    }

    @Override
    public void resumeReplication(dev.migrator.activities.ReplicationInput request) {
      call("resumeReplication");
    }

    @Override
    public String skipReplicationEvent(dev.migrator.activities.ReplicationInput request) {
      call("skipReplicationEvent");
      return "Duplicate entry '42' for key 'PRIMARY'";
    }

    @Override
    public BinlogCoordinates moveToNextLog(dev.migrator.activities.ReplicationInput request) {
      call("moveToNextLog");
      return new BinlogCoordinates("mysql-bin.000004", 4, null);
    }
  }

  final class Cutover implements CutoverActivities {
    @Override
    public long setSourceReadOnly(dev.migrator.activities.CutoverInput request, boolean readOnly) {
      call("setSourceReadOnly", readOnly);
      return readOnly ? SOURCE_READ_ONLY_AT : 9_000;
    }

    @Override
    public long setTargetReadOnly(dev.migrator.activities.CutoverInput request, boolean readOnly) {
      call("setTargetReadOnly", readOnly);
      return readOnly ? 9_000 : TARGET_WRITABLE_AT;
    }

    @Override
    public BinlogCoordinates sourcePosition(dev.migrator.activities.CutoverInput request) {
      call("sourcePosition");
      return FINAL_POSITION;
    }

    @Override
    public dev.migrator.model.SourceFence fenceSource(dev.migrator.activities.CutoverInput request) {
      call("fenceSource");
      dev.migrator.model.SourceFence f = new dev.migrator.model.SourceFence();
      f.how = fenceHow;
      f.lockConnectionId = fenceLock;
      f.stopsEveryone = true;
      return f;
    }

    @Override
    public List<String> releaseSourceFence(dev.migrator.activities.CutoverInput request, dev.migrator.model.SourceFence fence) {
      call("releaseSourceFence", fence.lockConnectionId);
      return List.of();
    }

    @Override
    public BinlogCoordinates confirmSourceStill(dev.migrator.activities.CutoverInput request, BinlogCoordinates position) {
      call("confirmSourceStill", position);
      if (sourceMovesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw ApplicationFailure.newNonRetryableFailure("the source moved: id 7 app@10.0.0.9 can write through"
            + " read_only", dev.migrator.model.FailureType.SOURCE_MOVED.type());
      }
      return position;
    }

    @Override
    public List<String> killSourceWriters(dev.migrator.activities.CutoverInput request, dev.migrator.model.SourceFence fence) {
      call("killSourceWriters");
      return List.of("killed id 7 app@10.0.0.9");
    }

    @Override
    public List<String> setEvents(dev.migrator.activities.CutoverInput request, String side, List<String> events, boolean enabled) {
      call("setEvents", side, events, enabled);
      return "target".equals(side) && enabled ? List.of("event_scheduler is OFF on the target") : List.of();
    }

    @Override
    public dev.migrator.model.ReadOnlyGuard guardTarget(dev.migrator.activities.CutoverInput request) {
      call("guardTarget");
      dev.migrator.model.ReadOnlyGuard g = new dev.migrator.model.ReadOnlyGuard();
      g.how = "read_only + super_read_only";
      g.guarded = true;
      return g;
    }

    @Override
    public void unguardTarget(dev.migrator.activities.CutoverInput request, boolean readOnlyBefore) {
      call("unguardTarget", readOnlyBefore);
    }

    @Override
    public void waitForTargetPosition(dev.migrator.activities.CutoverInput request, BinlogCoordinates position) {
      call("waitForTargetPosition", position);
    }

    @Override
    public BinlogCoordinates targetPosition(dev.migrator.activities.CutoverInput request) {
      call("targetPosition");
      return TARGET_POSITION;
    }

    @Override
    public dev.migrator.model.ChannelTls startReverseReplication(dev.migrator.activities.CutoverInput request,
        BinlogCoordinates fromTarget) {
      call("startReverseReplication", fromTarget);
      return channelTls;
    }

    @Override
    public void stopReverseReplication(dev.migrator.activities.CutoverInput request) {
      call("stopReverseReplication");
    }

    @Override
    public void waitForSourcePosition(dev.migrator.activities.CutoverInput request, BinlogCoordinates position) {
      call("waitForSourcePosition", position);
    }

    @Override
    public List<String> switchEvents(dev.migrator.activities.CutoverInput request, List<String> events, boolean toTarget) {
      call("switchEvents", events, toTarget);
      return toTarget ? List.of("event_scheduler is OFF on the target") : List.of();
    }
  }

  final class Traffic implements dev.migrator.activities.TrafficActivities {
    @Override
    public String switchTraffic(dev.migrator.activities.TrafficInput request) {
      call("switchTraffic");
      return "switched";
    }

    @Override
    public void switchTrafficBack(dev.migrator.activities.TrafficInput request) {
      call("switchTrafficBack");
    }
  }
}
