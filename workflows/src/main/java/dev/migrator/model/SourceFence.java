package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/**
 * How the cutover stopped writes on the source, beyond read_only: what is in force, the session
 * that holds a global read lock where one was taken, and the sessions that could still write.
 */
public class SourceFence {
  /** What stops writes now, in words: "read_only + super_read_only", "read_only + a global read lock ...". */
  public String how;
  /**
   * CONNECTION_ID() of the session that holds FLUSH TABLES WITH READ LOCK on the source, or null
   * when no lock is held (super_read_only already stops every account, a read-only hook, or no lock
   * could be taken). Released by the cutover once traffic is switched, and by the rollback.
   */
  public Long lockConnectionId;
  /** Whether every account is stopped (super_read_only, a held global read lock, or a hook). */
  public boolean stopsEveryone;
  /**
   * Sessions connected to the source whose account could write through what is in force
   * ("id 12 app@10.0.0.5:51234 db=shop (READ_ONLY ADMIN)"); empty when none or when everyone is stopped.
   */
  public List<String> bypassSessions = new ArrayList<>();
  /** Why a stronger stop was not used, when it was not. */
  public String note;

  @Override
  public String toString() {
    return how;
  }
}
