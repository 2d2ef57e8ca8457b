/**
 * Checklist step 5: the source's accounts on the target. One class per role:
 *
 * <ul>
 *   <li>{@link dev.migrator.accounts.Account} (held only inside an activity: it carries the
 *       password hash), {@link dev.migrator.accounts.AccountName}, {@link dev.migrator.accounts.GrantSet}
 *       and {@link dev.migrator.accounts.GrantParser} (SHOW GRANTS lines of both engines);
 *   <li>readers per engine: {@link dev.migrator.accounts.MySqlAccountReader} (MySQL 8.0, 8.4, 9.x:
 *       mysql.user, HEX(authentication_string), mysql.default_roles) and
 *       {@link dev.migrator.accounts.MariaDbAccountReader} (MariaDB 10.6+: mysql.global_priv JSON);
 *   <li>{@link dev.migrator.accounts.ServerProfile}: what a server has (privileges, authentication
 *       plugins, its migration account's own grants), {@link dev.migrator.accounts.GrantMapper}: what
 *       the target refuses or spells differently, by target kind;
 *   <li>writers per engine: {@link dev.migrator.accounts.MySqlAccountWriter},
 *       {@link dev.migrator.accounts.MariaDbAccountWriter} (statements; hashes as hex literals),
 *       {@link dev.migrator.accounts.Statements} (runs them without ever echoing a hash);
 *   <li>{@link dev.migrator.accounts.AccountDiffer} (what differs, by name),
 *       {@link dev.migrator.accounts.AccountScope} (include/exclude and the system accounts),
 *       {@link dev.migrator.accounts.AccountOwnership} (migrator_meta.owned_accounts);
 *   <li>{@link dev.migrator.accounts.AccountsPlanner} puts them together: plan, copy, diff, sync,
 *       undo, release.
 * </ul>
 */
package dev.migrator.accounts;
