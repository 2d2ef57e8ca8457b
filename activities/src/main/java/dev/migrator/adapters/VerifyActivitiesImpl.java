package dev.migrator.adapters;

import dev.migrator.activities.VerifyActivities;
import dev.migrator.copy.TableChecksummer;
import dev.migrator.copy.TableMeta;
import dev.migrator.model.FrozenCopy;
import dev.migrator.activities.VerifyInput;
import dev.migrator.model.TableChecksum;
import dev.migrator.model.TableRef;
import dev.migrator.model.TableVerification;
import dev.migrator.model.TableSums;
import dev.migrator.model.ContentSum;
import dev.migrator.model.VerifyResult;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.MySqlErrors;
import io.temporal.activity.Activity;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Step 7: counts and checksums of the frozen copy against the target. */
public class VerifyActivitiesImpl implements VerifyActivities {
  private final Connector connector;

  public VerifyActivitiesImpl(Connector connector) {
    this.connector = connector;
  }

  @Override
  public VerifyResult verify(VerifyInput r) {
    if (r.inlineChecksums != null && r.inlineChecksums >= 1 && r.inline != null && r.sourceChecksums == null) {
      return inline(r);
    }
    FrozenCopy frozen = r.frozen;
    List<TableRef> tables = r.tables;
    List<TableChecksum> sourceSums = r.sourceChecksums;
    VerifyResult res = new VerifyResult();
    res.ok = true;
    Connection frozenConn = null;
    // Its own thread for the frozen copy's side (not the shared common pool, which other work may fill).
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor(job -> {
      Thread th = new Thread(job, "verify-frozen-copy");
      th.setDaemon(true);
      return th;
    });
    try (Connection dst = connector.open("target", r.target)) {
      if (sourceSums == null) frozenConn = connector.open("frozen copy", frozen.endpoint);
      for (int i = 0; i < tables.size(); i++) {
        TableRef t = tables.get(i);
        TableVerification v = new TableVerification();
        v.table = t.qualified();
        // Checksum the target with the source's column list: what was copied is what is compared.
        TableMeta meta = TableMeta.read(frozenConn != null ? frozenConn : dst, t);
        try (Keepalive k = Keepalive.during("checksumming " + t.qualified())) {
          if (sourceSums != null) {
            v.source = sourceSums.stream().filter(s -> s.table.equals(t.qualified())).findFirst().orElse(null);
            v.target = TableChecksummer.checksum(dst, meta, null);
          } else {
            // Both sides at once: two servers, two connections, half the wall time.
            Connection f = frozenConn;
            java.util.concurrent.CompletableFuture<dev.migrator.model.TableChecksum> frozenSum =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                  try {
                    return TableChecksummer.checksum(f, meta, null);
                  } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                  }
                }, other);
            v.target = TableChecksummer.checksum(dst, meta, null);
            v.source = joinChecksum(frozenSum);
          }
        }
        v.match = v.source != null && v.source.sameContentAs(v.target);
        res.ok &= v.match;
        res.tables.add(v);
        Activity.getExecutionContext().heartbeat(i);
      }
      return res;
    } catch (SQLException e) {
      throw MySqlErrors.failure("verify", r.target, e);
    } finally {
      other.shutdownNow();
      if (frozenConn != null) {
        try {
          frozenConn.close();
        } catch (SQLException ignored) {
          // closing
        }
      }
    }
  }

  /**
   * Inline verification: the frozen copy's side is what the copy already checksummed, chunk by
   * chunk (only chunks whose sums are unknown are read again there, or the whole table when too
   * many are); the target is read once, now, with the same CRC32 function, so a change on the
   * target after its chunk was copied is found. Both servers are read at the same time.
   */
  private VerifyResult inline(VerifyInput r) {
    java.util.Map<String, TableSums> sums = r.inline;
    VerifyResult res = new VerifyResult();
    res.ok = true;
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor(job -> {
      Thread th = new Thread(job, "verify-frozen-copy");
      th.setDaemon(true);
      return th;
    });
    try (Connection dst = connector.open("target", r.target);
        Connection src = connector.open("frozen copy", r.frozen.endpoint)) {
      for (int i = 0; i < r.tables.size(); i++) {
        TableRef t = r.tables.get(i);
        TableMeta meta = TableMeta.read(src, t);
        TableSums known = sums.get(t.qualified());
        TableVerification v = new TableVerification();
        v.table = t.qualified();
        try (Keepalive k = Keepalive.during("checksumming " + t.qualified())) {
          java.util.concurrent.CompletableFuture<ContentSum> source = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
              return sourceSum(src, meta, known);
            } catch (SQLException e) {
              throw new java.util.concurrent.CompletionException(e);
            }
          }, other);
          ContentSum target = TableChecksummer.crcTable(dst, meta);
          ContentSum s;
          try {
            s = source.join();
          } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof SQLException x) throw x;
            throw e;
          }
          v.source = s.asChecksum(v.table);
          v.target = target.asChecksum(v.table);
          v.match = s.sameAs(target);
        }
        res.ok &= v.match;
        res.tables.add(v);
        Activity.getExecutionContext().heartbeat(i);
      }
      return res;
    } catch (SQLException e) {
      throw MySqlErrors.failure("verify", r.target, e);
    } finally {
      other.shutdownNow();
    }
  }

  /** The frozen copy's sum of a table: the copy's known chunk sums plus the unknown chunks read now. */
  static ContentSum sourceSum(Connection src, TableMeta meta, TableSums known) throws SQLException {
    if (known == null || known.sourceUnknown) return TableChecksummer.crcTable(src, meta);
    ContentSum s = known.source == null ? new ContentSum() : known.source;
    if (known.unknown != null) {
      for (dev.migrator.model.Chunk c : known.unknown) s = s.plus(TableChecksummer.crcChunk(src, meta, c));
    }
    return s;
  }

  private static dev.migrator.model.TableChecksum joinChecksum(
      java.util.concurrent.CompletableFuture<dev.migrator.model.TableChecksum> f) throws SQLException {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof SQLException s) throw s;
      throw e;
    }
  }
}
