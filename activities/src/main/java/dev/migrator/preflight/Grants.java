package dev.migrator.preflight;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The privileges in an account's SHOW GRANTS output, by scope: global (*.*), per schema (with the
 * LIKE wildcards a schema-level grant may use) and the schemas that have table-level grants.
 * Names are normalized (upper case, '_' as ' '), so MySQL's dynamic privileges
 * (REPLICATION_SLAVE_ADMIN) and MariaDB's (REPLICATION SLAVE ADMIN) compare equal. The lines are
 * never echoed: MariaDB prints password hashes in them.
 *
 * <p>Not resolved: privileges that come from roles (MySQL 8 / MariaDB roles) and routine-level
 * grants; {@link #usesRoles()} says when roles are granted so a finding can say so.
 */
public final class Grants {
  private static final Pattern GRANT = Pattern.compile("^GRANT\\s+(.+?)\\s+ON\\s+(.+?)\\s+TO\\s+(.*)$",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private final Set<String> global = new HashSet<>();
  private final Map<String, Set<String>> schemas = new LinkedHashMap<>();
  private final Set<String> tableLevelSchemas = new HashSet<>();
  private final Map<String, Set<String>> tables = new LinkedHashMap<>();
  private boolean roles;

  private Grants() {}

  public static Grants parse(List<String> lines) {
    Grants g = new Grants();
    for (String line : lines) g.add(line.trim());
    return g;
  }

  private void add(String line) {
    Matcher m = GRANT.matcher(line);
    if (!m.matches()) {
      if (line.toUpperCase(Locale.ROOT).startsWith("GRANT ")) roles = true; // GRANT role TO user
      return;
    }
    String privs = m.group(1);
    String on = m.group(2).trim();
    String rest = m.group(3).toUpperCase(Locale.ROOT);
    if (privs.trim().toUpperCase(Locale.ROOT).equals("PROXY")) return;
    String upperOn = on.toUpperCase(Locale.ROOT);
    if (upperOn.startsWith("FUNCTION ") || upperOn.startsWith("PROCEDURE ") || upperOn.startsWith("PACKAGE ")) return;
    Set<String> set = new HashSet<>();
    for (String p : splitPrivileges(privs)) set.add(normalize(p));
    if (rest.contains("WITH GRANT OPTION")) set.add("GRANT OPTION");
    if (upperOn.startsWith("TABLE ")) on = on.substring(6).trim();
    String[] dbTable = splitScope(on);
    if (dbTable[0].equals("*") && dbTable[1].equals("*")) {
      global.addAll(set);
    } else if (dbTable[1].equals("*")) {
      schemas.computeIfAbsent(dbTable[0], k -> new HashSet<>()).addAll(set);
    } else {
      tableLevelSchemas.add(dbTable[0]);
      tables.computeIfAbsent((dbTable[0] + "." + dbTable[1]).toLowerCase(Locale.ROOT), k -> new HashSet<>()).addAll(set);
    }
  }

  /** Commas separate privileges except inside column lists: SELECT (a, b), INSERT. */
  static List<String> splitPrivileges(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '(') depth++;
      if (c == ')') depth--;
      if (c == ',' && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    List<String> clean = new ArrayList<>();
    for (String p : out) {
      String t = p.replaceAll("\\(.*\\)", "").trim();
      if (!t.isEmpty()) clean.add(t);
    }
    return clean;
  }

  /** `db`.`t`, db.*, *.* into {db, table} without quotes. */
  static String[] splitScope(String on) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < on.length(); i++) {
      char c = on.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          if (i + 1 < on.length() && on.charAt(i + 1) == quote) {
            cur.append(c);
            i++;
          } else {
            quote = 0;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '`' || c == '"') {
        quote = c;
      } else if (c == '.') {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    parts.add(cur.toString());
    if (parts.size() == 1) return new String[] {"*", parts.get(0).trim()};
    return new String[] {parts.get(0).trim(), parts.get(1).trim()};
  }

  static String normalize(String p) {
    String n = p.trim().toUpperCase(Locale.ROOT).replace('_', ' ').replaceAll("\\s+", " ");
    if (n.equals("ALL")) return "ALL PRIVILEGES";
    return n;
  }

  public boolean usesRoles() {
    return roles;
  }

  /** The privileges held on *.*, normalized (see the class comment), sorted. */
  public List<String> globalPrivileges() {
    return global.stream().sorted().toList();
  }

  /** The "db" and "db.table" scopes that have grants of their own. */
  public List<String> narrowerScopes() {
    List<String> out = new ArrayList<>(schemas.keySet());
    out.addAll(tables.keySet());
    return out;
  }

  /** Whether the privilege is held on *.* (ALL PRIVILEGES counts for everything but GRANT OPTION). */
  public boolean hasGlobal(String privilege) {
    String p = normalize(privilege);
    return global.contains(p) || (!p.equals("GRANT OPTION") && global.contains("ALL PRIVILEGES"));
  }

  /** Whether the privilege is held on *.* or on the schema (directly or through a wildcard grant). */
  public boolean hasOnSchema(String privilege, String schema) {
    if (hasGlobal(privilege)) return true;
    String p = normalize(privilege);
    for (Map.Entry<String, Set<String>> e : schemas.entrySet()) {
      if (!matches(e.getKey(), schema)) continue;
      Set<String> s = e.getValue();
      if (s.contains(p) || (!p.equals("GRANT OPTION") && s.contains("ALL PRIVILEGES"))) return true;
    }
    return false;
  }

  /** Whether the privilege is held on the table, its schema or *.*. */
  public boolean hasOnTable(String privilege, String schema, String table) {
    if (hasOnSchema(privilege, schema)) return true;
    Set<String> t = tables.get((schema + "." + table).toLowerCase(Locale.ROOT));
    String p = normalize(privilege);
    return t != null && (t.contains(p) || (!p.equals("GRANT OPTION") && t.contains("ALL PRIVILEGES")));
  }

  /** Whether some of the schema's privileges are granted per table (then a schema-level gap may be fine). */
  public boolean hasTableLevelGrants(String schema) {
    return tableLevelSchemas.stream().anyMatch(s -> s.equalsIgnoreCase(schema));
  }

  /** A schema-level grant name: '_' and '%' are wildcards unless escaped with a backslash. */
  static boolean matches(String pattern, String schema) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        re.append(".*");
      } else if (c == '_') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE).matcher(schema).matches();
  }
}
