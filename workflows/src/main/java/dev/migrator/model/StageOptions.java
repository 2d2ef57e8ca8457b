package dev.migrator.model;

/**
 * The staged transport (copy.transport = "staged"): every chunk is dumped to a file in a stage
 * (a local or shared directory, or an S3 prefix), then loaded from it with LOAD DATA LOCAL INFILE.
 * Dump and load can run on different hosts: workers near the source poll {@link #dumpTaskQueue},
 * workers near the target poll {@link #loadTaskQueue} (the handbook's client A and client B).
 */
public class StageOptions {
  /** A directory ("/data/stage" or "file:///data/stage") or an S3 prefix ("s3://bucket/prefix"). */
  public String location;
  /** AWS region of the bucket (s3:// only); empty = the SDK's default region provider chain. */
  public String region;
  /** Task queue of the workers that dump (near the source); empty = the migration's own queue. */
  public String dumpTaskQueue;
  /** Task queue of the workers that load (near the target); empty = the migration's own queue. */
  public String loadTaskQueue;
  /** Keep the files after each batch is loaded (default: a batch's files are deleted once it is loaded). */
  public boolean keepFiles;

  public StageOptions() {}
}
