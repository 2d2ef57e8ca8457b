package dev.migrator.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * Checklist step 5: which accounts of the source the migration recreates on the target, and what it
 * does with what the target refuses. Every field has a default; {@code mode: none} (the default)
 * leaves accounts alone, so requests without {@code accounts} behave as before.
 */
public class AccountsOptions {
  public static final String NONE = "none";
  public static final String COPY = "copy";
  public static final String COPY_AND_SYNC = "copy-and-sync";
  public static final List<String> MODES = List.of(NONE, COPY, COPY_AND_SYNC);
  public static final List<String> REFUSED_GRANT_POLICIES = List.of("strip", "fail");
  public static final List<String> EXISTING_POLICIES = List.of("refuse", "keep-target", "replace");

  /**
   * none: accounts are not migrated. copy: step 5 creates the accounts in scope on the target with
   * their password hashes, attributes, roles and grants. copy-and-sync: copy, then accounts and
   * grants are compared again before the approval and right before the cutover, and differences
   * made on the source since the copy are applied (Aurora MySQL 3 and migrator's replication filter
   * do not replicate the mysql schema).
   */
  public String mode = NONE;

  /**
   * Accounts in scope, as {@code user@host} patterns ({@code *} any characters, {@code ?} one;
   * {@code %} and {@code _} are literal, as in the host names MySQL stores); a pattern without
   * {@code @} matches the user at every host. Empty: every account but the excluded ones.
   */
  public List<String> include = new ArrayList<>();

  /**
   * Accounts left out, same patterns. Always left out as well: system accounts ({@code mysql.*},
   * {@code mariadb.sys}, {@code rdsadmin}, RDS/Aurora's built-in roles), root at the server's own
   * host (localhost, 127.0.0.1, ::1) and, when either side is RDS/Aurora, {@code root} everywhere,
   * the replication account, the migration's own accounts on both sides, and anonymous accounts.
   * An include pattern without wildcards that names one of them exactly brings it back, except the
   * migration accounts, {@code mysql.*} and {@code rdsadmin}.
   */
  public List<String> exclude = new ArrayList<>();

  /**
   * A grant the target cannot give (SUPER, FILE, SHUTDOWN, the dynamic privileges RDS/Aurora keep
   * for themselves, privileges on the mysql schema on RDS/Aurora, privileges the target does not
   * have): "strip" leaves it out and reports it with the reason (a warning), "fail" refuses the step
   * (preflight finding blocking).
   */
  public String refusedGrants = "strip";

  /**
   * An account in scope that already exists on the target with a different definition (password,
   * attributes or grants) and that this migration did not create: "refuse" (preflight blocks, the
   * step changes nothing), "keep-target" (left as it is, reported), "replace" (the target's account
   * is parked under a locked placeholder name and the source's is created; the rollback drops the
   * new one and puts the parked one back, a completed migration drops the parked one). An account
   * that exists identical is left alone either way.
   */
  public String existing = "refuse";

  @JsonIgnore
  public boolean enabled() {
    return mode != null && !NONE.equals(mode);
  }

  @JsonIgnore
  public boolean sync() {
    return COPY_AND_SYNC.equals(mode);
  }
}
