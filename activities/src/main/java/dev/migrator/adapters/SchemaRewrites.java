package dev.migrator.adapters;

import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Text rewrites of SHOW CREATE statements for the target; every change is reported as a note. */
final class SchemaRewrites {
  private static final Pattern DEFINER =
      Pattern.compile("DEFINER\\s*=\\s*(`[^`]*`@`[^`]*`|'[^']*'@'[^']*'|[^\\s@]+@[^\\s]+|CURRENT_USER(\\(\\))?)\\s*");
  private static final Pattern ENGINE = Pattern.compile("\\) ENGINE=(\\w+)");
  /** Engines whose tables are plain data and become InnoDB without a change of meaning. */
  private static final Set<String> CONVERTIBLE = Set.of("MYISAM", "ARIA", "MEMORY", "HEAP", "ARCHIVE", "INNODB");
  /** MyISAM/Aria-only table options InnoDB refuses or ignores. */
  private static final Pattern MYISAM_OPTIONS =
      Pattern.compile("\\s+(PAGE_CHECKSUM|TRANSACTIONAL|DELAY_KEY_WRITE|CHECKSUM)=\\d+|\\s+ROW_FORMAT=(FIXED|PAGE)");
  private static final Pattern SECONDARY = Pattern.compile("^\\s*(KEY|INDEX|FULLTEXT KEY|FULLTEXT INDEX|SPATIAL KEY|SPATIAL INDEX) .*");
  private static final Pattern FOREIGN = Pattern.compile("FOREIGN KEY \\(([^)]*)\\)");
  private static final Pattern KEY_COLUMNS = Pattern.compile("^\\s*(?:\\w+ )*(?:KEY|INDEX) `(?:[^`]|``)*` \\(([^)]*)\\)");
  private static final Pattern KEY_NAME = Pattern.compile("(?:KEY|INDEX) `((?:[^`]|``)*)`");

  private SchemaRewrites() {}

  /** Applies the DEFINER policy (strip, keep, rewrite) to a view, routine, trigger or event. */
  static String definer(String ddl, String policy, String label, List<String> notes) {
    Matcher m = DEFINER.matcher(ddl);
    if (!m.find()) return ddl;
    switch (policy) {
      case "keep":
        return ddl;
      case "rewrite":
        if (m.group(1).startsWith("CURRENT_USER")) return ddl;
        notes.add(label + ": DEFINER " + m.group(1) + " rewritten to CURRENT_USER (schemaOptions.definer=rewrite)");
        return m.replaceFirst("DEFINER=CURRENT_USER ");
      default:
        notes.add(label + ": DEFINER " + m.group(1) + " removed (the migration account becomes the definer;"
            + " ERROR 1227 otherwise on targets without SUPER)");
        return m.replaceFirst("");
    }
  }

  /**
   * MyISAM (always) and engines the target lacks become InnoDB, noted; an engine whose tables are
   * not plain data (FEDERATED, CONNECT, BLACKHOLE, SPIDER, ...) that the target lacks is refused.
   */
  static String engine(String ddl, String table, Set<String> targetEngines, List<String> notes) {
    Matcher m = ENGINE.matcher(ddl);
    if (!m.find()) return ddl;
    String engine = m.group(1).toUpperCase(Locale.ROOT);
    boolean missing = !targetEngines.contains(engine);
    if (!"MYISAM".equals(engine) && !missing) return ddl;
    if (!CONVERTIBLE.contains(engine)) {
      throw ApplicationFailure.newNonRetryableFailure("table " + table + ": engine " + m.group(1) + " is not available on"
          + " the target and cannot be converted to InnoDB without changing what the table is; convert or exclude"
          + " it (tables) before migrating", "Incompatible");
    }
    String head = ddl.substring(0, m.start());
    String tail = ddl.substring(m.end());
    tail = MYISAM_OPTIONS.matcher(tail).replaceAll("");
    // Partition definitions repeat the engine ("ENGINE = MyISAM"): all of a table's partitions share one.
    tail = Pattern.compile("ENGINE = " + Pattern.quote(m.group(1)) + "\\b").matcher(tail).replaceAll("ENGINE = InnoDB");
    notes.add("table " + table + ": ENGINE=" + m.group(1) + " changed to InnoDB"
        + (missing ? " (the target has no " + m.group(1) + ")" : " (Aurora and replication safety need InnoDB)"));
    return head + ") ENGINE=InnoDB" + tail;
  }

  private static final Pattern EVENT_STATUS = Pattern.compile(
      "\\s(ENABLE|DISABLE ON (?:SLAVE|REPLICA)|DISABLE)((?:\\s+COMMENT\\s+'(?:[^'\\\\]|''|\\\\.)*')?\\s+DO\\s)");

  /** SHOW CREATE EVENT with its status made DISABLE (an event must not run on a replicating target). */
  static String disabledEvent(String ddl) {
    Matcher m = EVENT_STATUS.matcher(ddl);
    if (!m.find()) {
      throw ApplicationFailure.newNonRetryableFailure("cannot find the ENABLE/DISABLE clause in: " + ddl, "Incompatible");
    }
    return ddl.substring(0, m.start()) + " DISABLE" + m.group(2) + ddl.substring(m.end());
  }

  static final class Split {
    String ddl;
    List<String> deferred = new ArrayList<>();
  }

  /**
   * Splits plain secondary indexes (KEY, FULLTEXT, SPATIAL) off a CREATE TABLE. PRIMARY and UNIQUE
   * keys stay (chunking uses them), and so does any index whose leading columns back a foreign key.
   */
  static Split splitSecondaryIndexes(String ddl) {
    Split out = new Split();
    String[] lines = ddl.split("\n", -1);
    int end = 1;
    while (end < lines.length && !lines[end].startsWith(")")) end++;
    List<String> fks = new ArrayList<>();
    for (int i = 1; i < end; i++) {
      Matcher f = FOREIGN.matcher(lines[i]);
      if (lines[i].trim().startsWith("CONSTRAINT") && f.find()) fks.add(f.group(1));
    }
    List<String> kept = new ArrayList<>();
    for (int i = 1; i < end; i++) {
      String def = lines[i].replaceFirst(",\\s*$", "");
      if (SECONDARY.matcher(def).matches() && !backsForeignKey(def, fks)) {
        out.deferred.add(def.trim());
      } else {
        kept.add(def);
      }
    }
    StringBuilder b = new StringBuilder(lines[0]).append('\n').append(String.join(",\n", kept));
    for (int i = end; i < lines.length; i++) b.append('\n').append(lines[i]);
    out.ddl = b.toString();
    return out;
  }

  private static boolean backsForeignKey(String def, List<String> fks) {
    Matcher m = KEY_COLUMNS.matcher(def);
    if (!m.find()) return false;
    String cols = m.group(1).replaceAll("\\(\\d+\\)", "");
    for (String fk : fks) {
      if (cols.equals(fk) || cols.startsWith(fk + ",")) return true;
    }
    return false;
  }

  static String indexName(String def) {
    Matcher m = KEY_NAME.matcher(def);
    return m.find() ? m.group(1).replace("``", "`") : null;
  }
}
