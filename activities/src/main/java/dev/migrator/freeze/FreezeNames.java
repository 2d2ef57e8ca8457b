package dev.migrator.freeze;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names of temporary resources, derived from the migration id only (never from a random value), so
 * a release finds them again from the id alone.
 */
public final class FreezeNames {
  private FreezeNames() {}

  /**
   * A safe slug of the migration id: lower-case letters, digits and single hyphens, starting with a
   * letter, at most {@code max} characters. When the slug differs from the id (or was shortened),
   * a short hash of the id is appended so that two ids never share a name.
   */
  public static String slug(String migrationId, int max) {
    if (migrationId == null || migrationId.isBlank()) {
      throw new IllegalArgumentException("the migration id is empty: temporary resources are named after it");
    }
    String s = migrationId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (s.isEmpty() || !Character.isLetter(s.charAt(0))) s = "m-" + s;
    s = s.replaceAll("-+$", "");
    boolean exact = s.equals(migrationId);
    if (!exact || s.length() > max) {
      String h = hash(migrationId);
      int keep = Math.max(1, max - h.length() - 1);
      if (s.length() > keep) s = s.substring(0, keep).replaceAll("-+$", "");
      s = s + "-" + h;
    }
    return s;
  }

  /** Directory name of a physical-backup frozen copy under the work dir. */
  public static String dirName(String migrationId) {
    return "freeze-" + slug(migrationId, 80);
  }

  /** RDS identifier (cluster, instance, snapshot): letters, digits, hyphens, max 63, starts with a letter. */
  public static String rdsIdentifier(String migrationId, String suffix) {
    String prefix = "migrator-";
    int room = 63 - prefix.length() - (suffix.isEmpty() ? 0 : suffix.length() + 1);
    return prefix + slug(migrationId, room) + (suffix.isEmpty() ? "" : "-" + suffix);
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
