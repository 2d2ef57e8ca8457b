package dev.migrator.accounts;

import dev.migrator.accounts.GrantSet.Atom;
import dev.migrator.accounts.GrantSet.Kind;
import dev.migrator.accounts.GrantSet.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the lines of {@code SHOW GRANTS FOR} of MySQL 8.0+ and MariaDB 10.6+ into a
 * {@link GrantSet}: {@code GRANT privs ON scope TO grantee [WITH GRANT OPTION]} (column lists,
 * PROCEDURE/FUNCTION scopes, dynamic privileges), {@code GRANT PROXY ON acct TO ...},
 * {@code GRANT role[, role] TO grantee [WITH ADMIN OPTION]}, MySQL partial revokes
 * ({@code REVOKE ... FROM}) and MariaDB's {@code SET DEFAULT ROLE r FOR grantee}. MariaDB's
 * {@code IDENTIFIED BY PASSWORD '*...'} and {@code WITH MAX_...} tails are skipped: a line is never
 * echoed (it may carry a hash), and a parse error names the account only.
 */
public final class GrantParser {
  private GrantParser() {}

  enum T {
    WORD,
    IDENT,
    STRING,
    PUNCT
  }

  record Tok(T type, String text) {
    boolean word(String w) {
      return type == T.WORD && text.equalsIgnoreCase(w);
    }

    boolean punct(char c) {
      return type == T.PUNCT && text.charAt(0) == c;
    }
  }

  /** Thrown for a line this parser does not understand; the message never holds the line. */
  public static final class UnparsableGrant extends RuntimeException {
    UnparsableGrant(String message) {
      super(message);
    }
  }

  public static GrantSet parse(AccountName who, List<String> lines) {
    GrantSet g = new GrantSet();
    for (String line : lines) parseLine(who, line, g);
    return g;
  }

  static void parseLine(AccountName who, String line, GrantSet g) {
    List<Tok> t;
    try {
      t = tokens(line);
    } catch (RuntimeException e) {
      throw new UnparsableGrant("a SHOW GRANTS line of " + who.display() + " could not be read (unbalanced quotes)");
    }
    if (t.isEmpty()) return;
    String kind = t.get(0).text().toUpperCase(Locale.ROOT);
    try {
      switch (kind) {
        case "GRANT" -> grant(t, g);
        case "REVOKE" -> revoke(t, g);
        case "SET" -> defaultRole(t, g);
        default -> throw new UnparsableGrant("");
      }
    } catch (RuntimeException e) {
      throw new UnparsableGrant("a SHOW GRANTS line of " + who.display() + " (" + kind
          + " ...) is not understood by this build of migrator; the account cannot be copied as it is");
    }
  }

  private static void grant(List<Tok> t, GrantSet g) {
    int on = topLevelWord(t, 1, "ON");
    int to = topLevelWord(t, 1, "TO");
    if (to < 0) throw new IllegalArgumentException();
    if (on > 0 && on < to) {
      List<Tok> privs = t.subList(1, on);
      if (privs.size() == 1 && privs.get(0).word("PROXY")) {
        int[] pos = {on + 1};
        AccountName proxied = account(t, pos);
        g.proxies.add(new GrantSet.Proxy(proxied, hasWords(t, to, "WITH", "GRANT", "OPTION")));
        return;
      }
      Scope scope = scope(t.subList(on + 1, to));
      boolean grantable = hasWords(t, to, "WITH", "GRANT", "OPTION");
      for (Atom a : privileges(privs, scope, grantable)) {
        if (a.key().equals("USAGE")) continue;
        g.atoms.add(a);
      }
      if (grantable && privileges(privs, scope, true).stream().allMatch(a -> a.key().equals("USAGE"))) {
        g.atoms.add(new Atom("USAGE", scope, null, true)); // only the grant option at this scope
      }
      return;
    }
    // GRANT role[, role] TO grantee [WITH ADMIN OPTION]
    boolean admin = hasWords(t, to, "WITH", "ADMIN", "OPTION");
    int[] pos = {1};
    while (pos[0] < to) {
      g.roles.add(new GrantSet.RoleGrant(account(t, pos), admin));
      if (pos[0] < to && t.get(pos[0]).punct(',')) pos[0]++;
    }
  }

  private static void revoke(List<Tok> t, GrantSet g) {
    int on = topLevelWord(t, 1, "ON");
    int from = topLevelWord(t, 1, "FROM");
    if (on < 0 || from < on) throw new IllegalArgumentException();
    Scope scope = scope(t.subList(on + 1, from));
    for (Atom a : privileges(t.subList(1, on), scope, false)) g.revokes.add(a);
  }

  /** MariaDB: SET DEFAULT ROLE `r` FOR `u`@`h`. */
  private static void defaultRole(List<Tok> t, GrantSet g) {
    if (t.size() < 4 || !t.get(1).word("DEFAULT") || !t.get(2).word("ROLE")) throw new IllegalArgumentException();
    if (t.get(3).word("NONE")) return;
    int[] pos = {3};
    g.defaultRoles.add(account(t, pos));
  }

  static List<Atom> privileges(List<Tok> t, Scope scope, boolean grantable) {
    List<Atom> out = new ArrayList<>();
    int i = 0;
    while (i < t.size()) {
      StringBuilder name = new StringBuilder();
      while (i < t.size() && t.get(i).type() == T.WORD) {
        if (name.length() > 0) name.append(' ');
        name.append(t.get(i).text().toUpperCase(Locale.ROOT));
        i++;
      }
      if (name.length() == 0) throw new IllegalArgumentException();
      List<String> columns = new ArrayList<>();
      if (i < t.size() && t.get(i).punct('(')) {
        i++;
        while (i < t.size() && !t.get(i).punct(')')) {
          Tok c = t.get(i++);
          if (c.type() == T.IDENT || c.type() == T.WORD) columns.add(c.text());
        }
        i++; // ')'
      }
      String p = name.toString();
      if (p.equals("ALL")) p = "ALL PRIVILEGES";
      if (columns.isEmpty()) {
        out.add(new Atom(p, scope, null, grantable));
      } else {
        for (String c : columns) out.add(new Atom(p, scope, c, grantable));
      }
      if (i < t.size() && t.get(i).punct(',')) i++;
    }
    return out;
  }

  static Scope scope(List<Tok> t) {
    int i = 0;
    Kind kind = null;
    if (t.get(0).word("TABLE")) {
      i = 1;
    } else if (t.get(0).word("PROCEDURE")) {
      kind = Kind.PROCEDURE;
      i = 1;
    } else if (t.get(0).word("FUNCTION")) {
      kind = Kind.FUNCTION;
      i = 1;
    }
    List<Tok> rest = t.subList(i, t.size());
    if (rest.size() == 3 && rest.get(1).punct('.')) {
      String db = rest.get(0).punct('*') ? null : rest.get(0).text();
      String name = rest.get(2).punct('*') ? null : rest.get(2).text();
      if (db == null && name == null) return Scope.GLOBAL;
      if (db == null) throw new IllegalArgumentException();
      if (name == null) return new Scope(Kind.DATABASE, db, null);
      return new Scope(kind == null ? Kind.TABLE : kind, db, name);
    }
    if (rest.size() == 1 && rest.get(0).punct('*')) return Scope.GLOBAL;
    throw new IllegalArgumentException();
  }

  /** user[@host] at pos (ident, string or word), advancing pos. */
  static AccountName account(List<Tok> t, int[] pos) {
    Tok u = t.get(pos[0]++);
    if (u.type() == T.PUNCT) throw new IllegalArgumentException();
    String host = "";
    if (pos[0] < t.size() && t.get(pos[0]).punct('@')) {
      pos[0]++;
      Tok h = t.get(pos[0]++);
      if (h.type() == T.PUNCT) throw new IllegalArgumentException();
      host = h.text();
    }
    return new AccountName(u.text(), host);
  }

  private static int topLevelWord(List<Tok> t, int from, String w) {
    int depth = 0;
    for (int i = from; i < t.size(); i++) {
      Tok k = t.get(i);
      if (k.punct('(')) depth++;
      if (k.punct(')')) depth--;
      if (depth == 0 && k.word(w)) return i;
    }
    return -1;
  }

  private static boolean hasWords(List<Tok> t, int from, String... words) {
    for (int i = from; i + words.length <= t.size(); i++) {
      boolean all = true;
      for (int j = 0; j < words.length; j++) all &= t.get(i + j).word(words[j]);
      if (all) return true;
    }
    return false;
  }

  static List<Tok> tokens(String s) {
    List<Tok> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '`' || c == '\'' || c == '"') {
        StringBuilder b = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) throw new IllegalArgumentException();
          char d = s.charAt(i);
          if (c == '\'' && d == '\\' && i + 1 < n) {
            b.append(s.charAt(i + 1));
            i += 2;
          } else if (d == c) {
            if (i + 1 < n && s.charAt(i + 1) == c) {
              b.append(c);
              i += 2;
            } else {
              i++;
              break;
            }
          } else {
            b.append(d);
            i++;
          }
        }
        out.add(new Tok(c == '`' ? T.IDENT : T.STRING, b.toString()));
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
        int st = i;
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) i++;
        out.add(new Tok(T.WORD, s.substring(st, i)));
      } else {
        out.add(new Tok(T.PUNCT, String.valueOf(c)));
        i++;
      }
    }
    return out;
  }
}
