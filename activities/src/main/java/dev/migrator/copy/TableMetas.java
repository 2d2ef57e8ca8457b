package dev.migrator.copy;

import dev.migrator.model.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** Table metadata read once per table from one connection, for an activity that handles many chunks. */
public final class TableMetas implements CommittedChunks.Metas {
  private final Connection c;
  private final Map<TableRef, TableMeta> read = new HashMap<>();

  public TableMetas(Connection c) {
    this.c = c;
  }

  @Override
  public TableMeta of(TableRef t) throws SQLException {
    TableMeta m = read.get(t);
    if (m == null) {
      m = TableMeta.read(c, t);
      read.put(t, m);
    }
    return m;
  }
}
