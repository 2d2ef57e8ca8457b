package dev.migrator.model;

/**
 * The inline checksum of a set of rows (one chunk, or a whole table as the combination of its
 * chunks): row count, BIT_XOR and SUM (mod 2^64) of each row's CRC32 over its canonical text (see
 * TableChecksummer.crcRow in activities). Both aggregates are order independent, so the sums of
 * disjoint chunks combine into the table's sum ({@link #plus}) in any order. XOR alone cancels
 * pairs of equal hashes; the SUM does not.
 */
public class ContentSum {
  public long rows;
  public long xor;
  public long sum;

  public ContentSum() {}

  public ContentSum(long rows, long xor, long sum) {
    this.rows = rows;
    this.xor = xor;
    this.sum = sum;
  }

  /** The sum of both sets of rows (disjoint chunks); {@code null} counts as empty. */
  public ContentSum plus(ContentSum o) {
    if (o == null) return new ContentSum(rows, xor, sum);
    return new ContentSum(rows + o.rows, xor ^ o.xor, sum + o.sum);
  }

  public boolean sameAs(ContentSum o) {
    return o != null && rows == o.rows && xor == o.xor && sum == o.sum;
  }

  /** The checksum part as text: xor and sum in hex. */
  public String hex() {
    return "crc:" + Long.toHexString(xor) + "-" + Long.toHexString(sum);
  }

  public TableChecksum asChecksum(String table) {
    return new TableChecksum(table, rows, hex());
  }

  @Override
  public String toString() {
    return "rows=" + rows + " " + hex();
  }
}
