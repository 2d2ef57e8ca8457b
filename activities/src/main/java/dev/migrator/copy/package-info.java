/**
 * The copy engine: plan a table into key-range chunks, copy each chunk idempotently, checksum
 * each chunk.
 *
 * <pre>{@code
 * TableMeta meta = TableMeta.read(source, tableRef);                      // columns + chunking key
 * ChunkPlan plan = ChunkPlanner.plan(source, meta, opts.chunkRows, opts.chunkBytes);
 * //   or page by page, for bounded workflow state:
 * //   ChunkPlan page = ChunkPlanner.planPage(source, meta, rows, bytes, lastChunkOfPreviousPage, 500);
 * ChunkWriter writer = new ChunkWriter(opts.writeMethod);                  // INSERT or LOAD_DATA
 * ChunkResult done = writer.copyChunk(source, target, meta, chunk, (rows, bytes) -> heartbeat(...));
 * ChunkResult s = TableChecksummer.checksumChunk(source, meta, chunk);     // verify chunk by chunk
 * ChunkResult t = TableChecksummer.checksumChunk(target, meta, chunk);     // s.sameContentAs(t)
 * }</pre>
 *
 * <p>Guarantees: the chunks of a complete plan partition the key space (first chunk open below,
 * last open above), so a plan made at any time covers every row; planning need not happen in the
 * copy's snapshot. {@code copyChunk} deletes the chunk's range on the target and inserts the
 * source's rows in one target transaction, so any chunk may be re-run any number of times, in any
 * order, after a crash at any point. Keyless tables are one whole-table chunk that deletes every
 * target row first (see the plan's warning).
 *
 * <p>Caveat: the DELETE range is evaluated by the target, the SELECT range by the source; string
 * keys need the same collation on both sides (the schema step copies it) for the ranges to agree.
 *
 * <p>The staged transport (copy.transport = "staged") splits a chunk's copy in two:
 * {@link dev.migrator.copy.ChunkDumper} writes the chunk's rows to a {@link dev.migrator.copy.Stage}
 * (a directory or an S3 prefix) with a {@link dev.migrator.copy.ChunkManifest}, and
 * {@link dev.migrator.copy.ChunkLoader} loads that file in one target transaction, checked against
 * the manifest. Both reuse the direct copy's SELECT, encoding and transaction (docs/copy.md).
 *
 * <p>Model types ({@code ChunkPlan}, {@code Chunk}, {@code KeyValue}, {@code ChunkResult}) live in
 * the workflows module and are plain JSON-serializable POJOs for workflow state and activity I/O.
 */
package dev.migrator.copy;
