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

  /** Compact JSON ("rows:xor:sum", both in hex): one per table travels to verify, so 10,000 tables stay small. */
  @com.fasterxml.jackson.annotation.JsonValue
  public String compact() {
    return rows + ":" + Long.toHexString(xor) + ":" + Long.toHexString(sum);
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  public static ContentSum parse(String s) {
    if (s == null) return null;
    String[] p = s.split(":");
    if (p.length != 3) throw new IllegalArgumentException("not a content sum (rows:xor:sum): " + s);
    return new ContentSum(Long.parseLong(p[0]), Long.parseUnsignedLong(p[1], 16), Long.parseUnsignedLong(p[2], 16));
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
