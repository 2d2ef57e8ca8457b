package dev.migrator.preflight;

import dev.migrator.testkit.LocalMariaDb;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What preflight must leave untouched: global variables, accounts, schemas, binlog and replica state. */
final class Snapshot {
  private Snapshot() {}

  static Map<String, List<String>> of(LocalMariaDb... servers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (LocalMariaDb db : servers) {
      String n = db.name() + ":";
      List<String> vars = new ArrayList<>(db.queryRows("SHOW GLOBAL VARIABLES"));
      vars.removeIf(v -> v.startsWith("timestamp\t"));
      out.put(n + "variables", vars);
      out.put(n + "users", db.queryRows("SELECT * FROM mysql.user ORDER BY User, Host"));
      out.put(n + "schemata", db.queryRows("SELECT * FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME"));
      out.put(n + "binlog", db.queryRows("SHOW MASTER STATUS"));
      out.put(n + "replica", db.queryRows("SHOW SLAVE STATUS"));
    }
    return out;
  }
}
