package dev.migrator.model;

/** Source (frozen copy) vs target for one table. */
public class TableVerification {
  public String table;
  public TableChecksum source;
  public TableChecksum target;
  public boolean match;
}
