package dev.migrator.model;

/**
 * How to stop (and restart) writes on an endpoint whose read_only cannot be set with SET GLOBAL:
 * RDS and Aurora, through the DB (or DB cluster) parameter group, or any endpoint through a shell
 * command or a webhook (for example a proxy that refuses writes).
 */
public class ReadOnlyHook {
  /** parameter-group, command or webhook. */
  public String type;

  /** parameter-group: name of the DB parameter group of the instance (read_only is dynamic). */
  public String parameterGroup;
  /** parameter-group: true when {@link #parameterGroup} is a DB cluster parameter group (Aurora). */
  public boolean cluster;

  /** command: run with /bin/sh -c on the worker, MIGRATOR_READ_ONLY=1 or 0 in its environment. */
  public String command;

  /** webhook: POSTed {"migrationId","endpoint":host:port,"readOnly":true|false}. */
  public String url;
}
