package dev.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.migrator.model.Chunk;
import dev.migrator.model.KeyValue;
import dev.migrator.model.TableRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure unit tests (no servers): range SQL, generated-column detection, bound values through JSON. */
class ChunkModelTest {

  @Test
  void generatedColumnsAreRecognizedButExpressionDefaultsAreNot() {
    assertTrue(TableMeta.isGenerated("VIRTUAL GENERATED"));
    assertTrue(TableMeta.isGenerated("STORED GENERATED"));
    assertTrue(TableMeta.isGenerated("PERSISTENT"));
    assertTrue(TableMeta.isGenerated("virtual"));
    // MySQL 8: DEFAULT CURRENT_TIMESTAMP and other expression defaults; the values must be copied
    assertFalse(TableMeta.isGenerated("DEFAULT_GENERATED"));
    assertFalse(TableMeta.isGenerated("DEFAULT_GENERATED on update CURRENT_TIMESTAMP"));
    assertFalse(TableMeta.isGenerated("auto_increment"));
    assertFalse(TableMeta.isGenerated("on update current_timestamp()"));
    assertFalse(TableMeta.isGenerated(""));
    assertFalse(TableMeta.isGenerated(null));
  }

  @Test
  void compositeRangeConditions() {
    TableMeta meta = new TableMeta(new TableRef("s", "t"), List.of(
        new Column("a", "int", "int(11)", false, false), new Column("b`x", "varchar", "varchar(9)", false, false)),
        List.of("a", "b`x"), "PRIMARY");
    Chunk c = new Chunk();
    c.table = meta.ref();
    c.keyColumns = meta.key();
    c.lower = List.of(KeyValue.number("-5"), KeyValue.text("q"));
    c.upper = List.of(KeyValue.number("9"), KeyValue.text("z"));
    KeyRange r = KeyRange.of(meta, c);
    assertEquals("((`a` > ?) OR (`a` = ? AND `b``x` > ?)) AND ((`a` < ?) OR (`a` = ? AND `b``x` <= ?))", r.where);
    assertEquals(List.of(KeyValue.number("-5"), KeyValue.number("-5"), KeyValue.text("q"), KeyValue.number("9"),
        KeyValue.number("9"), KeyValue.text("z")), r.params);
    c.lowerInclusive = true;
    c.upper = null;
    assertEquals("((`a` > ?) OR (`a` = ? AND `b``x` >= ?))", KeyRange.of(meta, c).where);
    c.lower = null;
    assertEquals("1=1", KeyRange.of(meta, c).where);
  }

  @Test
  void boundValuesSurviveJson() throws Exception {
    Chunk c = new Chunk();
    c.table = new TableRef("s", "t");
    c.keyColumns = new ArrayList<>(List.of("k", "b", "n"));
    c.lower = List.of(KeyValue.text("é😀\u0000\t'\"\\"), KeyValue.bytes(new byte[] {0, -1, 10, 0}),
        KeyValue.number("18446744073709551615"));
    String json = CopyTestSupport.JSON.writeValueAsString(c);
    Chunk back = CopyTestSupport.JSON.readValue(json, Chunk.class);
    assertEquals(c.lower, back.lower);
    assertEquals(json, CopyTestSupport.JSON.writeValueAsString(back));
    assertEquals(4, back.lower.get(1).decodedBytes().length);
    assertFalse(json.contains("decodedBytes"), json);
  }
}
