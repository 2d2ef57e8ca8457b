package dev.migrator.model;

import java.util.List;

/** Step 7: how the copy is verified. */
public class VerifyOptions {
  public static final String INLINE = "inline";
  public static final String FULL = "full";
  public static final List<String> MODES = List.of(INLINE, FULL);

  /**
   * "inline" (default): the copy checksums every chunk on the frozen copy and on the target as it
   * is written; verify compares the frozen copy's known sums with one fresh read of the target
   * (re-reading on the frozen copy only chunks whose sum is unknown). "full": verify reads both
   * sides in full, independently of the copy (SHA-256 based, as before inline checksums existed).
   * The live-consistent method always checksums inside its snapshot (full on the target).
   */
  public String mode = INLINE;
}
