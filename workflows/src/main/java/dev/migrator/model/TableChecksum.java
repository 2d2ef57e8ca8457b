package dev.migrator.model;

/** Row count and an order-independent content checksum of one table. */
public class TableChecksum {
  public String table;
  public long rows;
  public String checksum;

  public TableChecksum() {}

  public TableChecksum(String table, long rows, String checksum) {
    this.table = table;
    this.rows = rows;
    this.checksum = checksum;
  }

  public boolean sameContentAs(TableChecksum o) {
    return o != null && rows == o.rows && checksum.equals(o.checksum);
  }

  @Override
  public String toString() {
    return table + " rows=" + rows + " checksum=" + checksum;
  }
}
