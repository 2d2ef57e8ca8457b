package dev.migrator.copy;

import dev.migrator.model.KeyValue;
import dev.migrator.mysql.Sql;

/** One column as the copy sees it. */
public record Column(String name, String dataType, String columnType, boolean generated, boolean nullable) {

  /** How values travel: as characters (converted between charsets) or as raw bytes. */
  public enum Transfer { TEXT, BYTES, RAW_TEXT }

  public Transfer transfer() {
    switch (dataType.toLowerCase()) {
      case "char": case "varchar": case "tinytext": case "text": case "mediumtext": case "longtext":
      case "enum": case "set": case "json":
        return Transfer.TEXT;
      case "binary": case "varbinary": case "tinyblob": case "blob": case "mediumblob": case "longblob":
      case "bit": case "geometry": case "point": case "linestring": case "polygon": case "multipoint":
      case "multilinestring": case "multipolygon": case "geometrycollection": case "geomcollection":
        return Transfer.BYTES;
      default:
        // numbers, dates and times: the server's own text form, byte for byte (keeps zero dates,
        // DECIMAL digits and fractional seconds exactly)
        return Transfer.RAW_TEXT;
    }
  }

  boolean isCharacter() {
    return transfer() == Transfer.TEXT && !"json".equalsIgnoreCase(dataType);
  }

  boolean isInteger() {
    switch (dataType.toLowerCase()) {
      case "tinyint": case "smallint": case "mediumint": case "int": case "integer": case "bigint":
        return true;
      default:
        return false;
    }
  }

  private boolean isEnumOrSet() {
    return "enum".equalsIgnoreCase(dataType) || "set".equalsIgnoreCase(dataType);
  }

  /**
   * The expression that reads this column for copying. FLOAT is widened to DOUBLE: the server
   * prints a FLOAT with only 6 significant digits, which does not round-trip (12345678 would come
   * back as 12345700), while every float is exactly a double, printed with enough digits.
   */
  public String selectExpression() {
    if ("float".equalsIgnoreCase(dataType)) return "(" + Sql.id(name) + " + 0e0)";
    return Sql.id(name);
  }

  /** How a value of this column is kept in a chunk boundary. */
  public KeyValue.Kind keyKind() {
    if (isEnumOrSet()) return KeyValue.Kind.NUMBER;
    switch (dataType.toLowerCase()) {
      case "tinyint": case "smallint": case "mediumint": case "int": case "integer": case "bigint":
      case "decimal": case "numeric": case "float": case "double": case "real": case "year":
        return KeyValue.Kind.NUMBER;
      default:
        return transfer() == Transfer.BYTES ? KeyValue.Kind.BYTES : KeyValue.Kind.TEXT;
    }
  }

  /**
   * The expression that reads this column as a chunk boundary. ENUM and SET are read as their
   * index (col+0): the index orders them (ORDER BY, the key's B-tree) and compares them against a
   * number, while their string form would compare alphabetically.
   */
  public String keyExpression() {
    return isEnumOrSet() ? "(" + Sql.id(name) + " + 0)" : selectExpression();
  }
}
