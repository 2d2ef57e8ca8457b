package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/**
 * How a replication channel that an activity just configured uses TLS (the replicate step's
 * forward channel, the cutover's reverse one): TLS whenever the primary offers it. The workflow
 * puts {@link #warnings} into the status. Returned by {@code startReplication} and
 * {@code startReverseReplication}; histories recorded before these returned it replay with null.
 */
public class ChannelTls {
  /** TLS configured on the channel (SOURCE_SSL/MASTER_SSL = 1, RDS ssl_encryption = 1). */
  public boolean tls;
  /** TLS asked for by the request (replication.ssl / sslCaFile), not only chosen because the primary offers it. */
  public boolean required;
  /** "replication over TLS (the source offers TLS; certificate not verified)", "replication without TLS (...)". */
  public String description;
  /** The replica's own status right after the start: Source_SSL_Allowed / Master_SSL_Allowed is Yes. */
  public Boolean replicaSaysEncrypted;
  /** How the replication account was created on the primary (REQUIRE SSL / REQUIRE NONE), when migrator created it. */
  public String accountRequirement;
  /** What the status should say: a channel without TLS, or with TLS but an unchecked certificate. */
  public List<String> warnings = new ArrayList<>();

  @Override
  public String toString() {
    return description;
  }
}
