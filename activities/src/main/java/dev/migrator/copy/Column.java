package dev.migrator.copy;

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
}
