package dev.migrator.activities;

import dev.migrator.model.LiveCopyResult;
import dev.migrator.model.TableRef;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Step 6: the data copy. */
@ActivityInterface
public interface CopyActivities {
  /**
   * live-consistent: opens one consistent snapshot on the live source, records its binlog
   * coordinates, copies every table chunk by chunk inside it and checksums the source inside the
   * same snapshot. Not resumable: a retry starts over (each table is emptied first).
   */
  LiveCopyResult copyLiveConsistent(CopyInput in, List<TableRef> tables, String workflowId);

  /**
   * Empties the given tables on the target, only in schemas this migration created (see
   * SchemaActivities.dropSchemas). Idempotent. Returns notes for tables it left alone.
   */
  List<String> truncateTables(CopyInput in, List<TableRef> tables);

  /**
   * The copy's parallelism by the handbook's rule of thumb, from the CPUs of the frozen copy's and
   * the target's hosts ({@code in.from}, {@code in.target}): Endpoint.cpus when given, else detected (MariaDB's thread_pool_size, which
   * defaults to the server's CPUs; the worker's own CPUs for a server on loopback), else 2.
   */
  dev.migrator.model.CopySizing sizeCopy(CopyInput in);

  /**
   * Plans the next page of the copy on the frozen copy {@code in.from} (read-only): continues tables[0] after
   * {@code previous} (from its start when null), then the following tables in order, until
   * {@code maxChunks} chunks are planned or a table's page is incomplete. Returns one page per table
   * touched, in order; {@code ChunkPlan.complete} marks a table's last page. Pages chain into exactly
   * the whole plan of each table. {@code chunkRows} above 0 replaces copy.chunkRows for this page
   * (adaptive chunk size); 0 = the request's.
   */
  List<dev.migrator.model.ChunkPlan> planPage(CopyInput in, List<TableRef> tables, dev.migrator.model.Chunk previous,
      int maxChunks, long chunkRows);

  /**
   * Copies these chunks from the frozen copy to the target, in order, each idempotently in its
   * own transaction. Heartbeats the number of chunks committed, so a retry after a crash resumes
   * after the last committed chunk: at most one chunk per running activity is copied twice.
   */
  List<dev.migrator.model.ChunkResult> copyChunks(CopyInput in, List<dev.migrator.model.Chunk> chunks);
}
