package dev.migrator.testkit;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Collects the passwords and stored hashes of a test's accounts and checks that what would go
 * into workflow history (each input, result and failure message, serialized as Temporal does with
 * its default Jackson converter), a history or a log contains none of them.
 */
public final class NoSecrets {
  private static final DataConverter TEMPORAL = DefaultDataConverter.newDefaultInstance();
  private final List<String> secrets = new ArrayList<>();

  public NoSecrets password(String p) {
    secrets.add(p);
    return this;
  }

  /** The stored hash of every account on the server (as hex and, where printable, as text). */
  public NoSecrets hashesOf(LocalServer db, boolean mariadb) {
    String q = mariadb
        ? "SELECT HEX(JSON_VALUE(Priv, '$.authentication_string')), JSON_VALUE(Priv, '$.authentication_string')"
            + " FROM mysql.global_priv WHERE JSON_VALUE(Priv, '$.authentication_string') <> ''"
        : "SELECT HEX(authentication_string), IF(authentication_string REGEXP '^[ -~]+$', authentication_string, '')"
            + " FROM mysql.user WHERE authentication_string <> ''";
    for (String row : db.queryRows(q)) {
      String[] f = row.split("\t", -1);
      secrets.add(f[0]);
      // The salted part alone: a hash is never shown partly either.
      if (f[0].length() > 40) secrets.add(f[0].substring(f[0].length() - 40));
      if (f.length > 1 && f[1].length() >= 16) secrets.add(f[1]);
    }
    return this;
  }

  public int count() {
    return secrets.size();
  }

  /** Serializes like Temporal and fails if any secret (hashes case-insensitively) appears. */
  public void assertClean(String what, Object value) {
    Payload p = TEMPORAL.toPayload(value).orElseThrow();
    String json = p.getData().toString(StandardCharsets.UTF_8);
    assertText(what, json);
  }

  public void assertText(String what, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (String s : secrets) {
      if (lower.contains(s.toLowerCase(Locale.ROOT))) throw new AssertionError(what + " contains a password or hash");
    }
  }
}
