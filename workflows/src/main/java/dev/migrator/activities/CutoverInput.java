package dev.migrator.activities;

import dev.migrator.model.CutoverOptions;
import dev.migrator.model.Endpoint;
import dev.migrator.model.ReplicationOptions;
import java.util.ArrayList;
import java.util.List;

/** What the cutover switches: both endpoints, its options, and for reverse replication the account and filter. */
public class CutoverInput {
  public String migrationId;
  public Endpoint source;
  public Endpoint target;
  public CutoverOptions cutover = new CutoverOptions();
  /** The replication account (reverse replication connects with it) and the channel's settings. */
  public ReplicationOptions replication = new ReplicationOptions();
  /** The migrated schemas: the reverse replication filter. */
  public List<String> schemas = new ArrayList<>();
}
