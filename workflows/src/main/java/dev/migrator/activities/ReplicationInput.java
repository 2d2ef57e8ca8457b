package dev.migrator.activities;

import dev.migrator.model.Endpoint;
import dev.migrator.model.ReplicationOptions;
import java.util.ArrayList;
import java.util.List;

/** What replication touches: the source (its account, its binlog), the target (the replica), the filter. */
public class ReplicationInput {
  public String migrationId;
  public Endpoint source;
  public Endpoint target;
  public ReplicationOptions replication = new ReplicationOptions();
  /** The migrated schemas: the replication filter. */
  public List<String> schemas = new ArrayList<>();
}
