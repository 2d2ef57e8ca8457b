package dev.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.migrator.testkit.Contents;
import dev.migrator.testkit.LocalMariaDb;
import dev.migrator.model.Chunk;
import dev.migrator.model.ChunkPlan;
import dev.migrator.model.ChunkResult;
import dev.migrator.model.CopyOptions.WriteMethod;
import dev.migrator.model.Endpoint;
import dev.migrator.model.TableRef;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.CredentialResolver;
import dev.migrator.mysql.Sql;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Shared plumbing for the copy engine tests: production connections, plan round trips, dumps. */
final class CopyTestSupport {
  static final Connector CONNECTOR = new Connector(new CredentialResolver());
  /** The ObjectMapper Temporal's default data converter uses for workflow arguments and results. */
  static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  private CopyTestSupport() {}

  /** A connection as the worker opens it (Connector: UTC, non-strict sql_mode, local infile). */
  static Connection open(LocalMariaDb db) throws SQLException {
    return CONNECTOR.openRaw(db.name(), new Endpoint(db.host(), db.port(), "root", db.rootPasswordRef()));
  }

  /** The plan as the workflow would get it back from history: through Temporal's Jackson converter. */
  static ChunkPlan viaTemporal(ChunkPlan p) {
    try {
      String json = JSON.writeValueAsString(p);
      ChunkPlan back = JSON.readValue(json, ChunkPlan.class);
      assertEquals(json, JSON.writeValueAsString(back), "plan survives JSON");
      return back;
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  static ChunkPlan plan(LocalMariaDb src, String schema, String table, long rows, long bytes) throws SQLException {
    try (Connection s = open(src)) {
      return viaTemporal(ChunkPlanner.plan(s, TableMeta.read(s, new TableRef(schema, table)), rows, bytes));
    }
  }

  static List<ChunkResult> copyAll(LocalMariaDb src, LocalMariaDb dst, ChunkPlan plan, WriteMethod m) throws SQLException {
    List<ChunkResult> out = new ArrayList<>();
    try (Connection s = open(src); Connection d = open(dst)) {
      TableMeta meta = TableMeta.read(s, plan.table);
      ChunkWriter w = new ChunkWriter(m);
      for (Chunk c : plan.chunks) out.add(w.copyChunk(s, d, meta, c));
    }
    return out;
  }

  static ChunkResult copy(LocalMariaDb src, LocalMariaDb dst, Chunk c, WriteMethod m) throws SQLException {
    try (Connection s = open(src); Connection d = open(dst)) {
      return new ChunkWriter(m).copyChunk(s, d, TableMeta.read(s, c.table), c);
    }
  }

  static ChunkResult checksum(LocalMariaDb db, Chunk c) throws SQLException {
    try (Connection x = open(db)) {
      return TableChecksummer.checksumChunk(x, TableMeta.read(x, c.table), c);
    }
  }

  /** Every row, every column (generated ones too), each value as hex of its bytes, sorted. */
  static List<String> dump(LocalMariaDb db, String schema, String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = open(db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM " + Sql.table(schema, table))) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          byte[] v = rs.getBytes(i);
          b.append(i > 1 ? "|" : "").append(v == null ? "NULL" : HexFormat.of().formatHex(v));
        }
        out.add(b.toString());
      }
    }
    out.sort(null);
    return out;
  }

  static void assertSame(LocalMariaDb src, LocalMariaDb dst, String schema, String table) throws SQLException {
    assertEquals(String.join("\n", dump(src, schema, table)), String.join("\n", dump(dst, schema, table)),
        "row dump of " + table);
    assertEquals(Contents.of(src, schema), Contents.of(dst, schema), "CHECKSUM TABLE of " + schema);
  }

  /** The same statements on both servers (DDL). */
  static void both(dev.migrator.testkit.LocalServer a, dev.migrator.testkit.LocalServer b, String... sql) {
    a.sql(sql);
    b.sql(sql);
  }
}
