package dev.migrator.dialect;

/** Binlog file names: "mysql-bin.000042", "mysql-bin-changelog.000007". */
public final class BinlogFiles {
  private BinlogFiles() {}

  /** The file after {@code file}: same base name, sequence + 1, same zero padding. */
  public static String next(String file) {
    int dot = file.lastIndexOf('.');
    String seq = file.substring(dot + 1);
    String next = String.valueOf(Long.parseLong(seq) + 1);
    while (next.length() < seq.length()) next = "0" + next;
    return file.substring(0, dot + 1) + next;
  }

  /** The numeric suffix, as mysql.rds_next_*_log takes it. */
  public static long sequence(String file) {
    return Long.parseLong(file.substring(file.lastIndexOf('.') + 1));
  }
}
