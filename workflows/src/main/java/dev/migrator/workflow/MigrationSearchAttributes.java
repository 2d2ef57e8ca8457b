package dev.migrator.workflow;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The custom search attributes a migration keeps current, so the Web UI, {@code temporal workflow
 * list --query} and {@code migrator list} can find migrations by phase, step and paused state.
 * They must be registered on the namespace first ({@link #DEFINITIONS}); every Temporal harness
 * of this project does so.
 *
 * <p>Upserts only what changed since the last upsert, so a replay issues the same commands.
 */
public final class MigrationSearchAttributes {
  public static final SearchAttributeKey<String> PHASE = SearchAttributeKey.forKeyword("MigrationPhase");
  public static final SearchAttributeKey<Boolean> PAUSED = SearchAttributeKey.forBoolean("MigrationPaused");
  public static final SearchAttributeKey<String> PAUSED_REASON = SearchAttributeKey.forText("MigrationPausedReason");
  public static final SearchAttributeKey<String> STEP = SearchAttributeKey.forKeyword("MigrationStep");
  public static final SearchAttributeKey<String> SOURCE = SearchAttributeKey.forKeyword("MigrationSource");
  public static final SearchAttributeKey<String> TARGET = SearchAttributeKey.forKeyword("MigrationTarget");
  public static final SearchAttributeKey<Boolean> REHEARSAL = SearchAttributeKey.forBoolean("MigrationRehearsal");

  /** Name and type of every attribute, for registering them on a namespace. */
  public static final Map<String, IndexedValueType> DEFINITIONS;

  static {
    Map<String, IndexedValueType> d = new LinkedHashMap<>();
    for (SearchAttributeKey<?> k : List.of(PHASE, PAUSED, PAUSED_REASON, STEP, SOURCE, TARGET, REHEARSAL)) {
      d.put(k.getName(), k.getValueType());
    }
    DEFINITIONS = java.util.Collections.unmodifiableMap(d);
  }

  /** {@code Name=Type} pairs as {@code temporal server start-dev --search-attribute} takes them. */
  public static List<String> cliDefinitions() {
    List<String> out = new ArrayList<>();
    DEFINITIONS.forEach((name, type) -> out.add(name + "=" + cliType(type)));
    return out;
  }

  static String cliType(IndexedValueType t) {
    switch (t) {
      case INDEXED_VALUE_TYPE_KEYWORD: return "Keyword";
      case INDEXED_VALUE_TYPE_TEXT: return "Text";
      case INDEXED_VALUE_TYPE_BOOL: return "Bool";
      case INDEXED_VALUE_TYPE_INT: return "Int";
      case INDEXED_VALUE_TYPE_DOUBLE: return "Double";
      case INDEXED_VALUE_TYPE_DATETIME: return "Datetime";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST: return "KeywordList";
      default: throw new IllegalArgumentException("unsupported search attribute type " + t);
    }
  }

  // --- workflow side -----------------------------------------------------------------------------

  private String phase;
  private Boolean paused;
  private String pausedReason;
  private String step;
  private boolean endpointsSet;

  /** Sets source, target and the rehearsal flag once, at the start of a run. */
  public void start(String source, String target, boolean rehearsal) {
    if (endpointsSet) return;
    endpointsSet = true;
    List<SearchAttributeUpdate<?>> u = new ArrayList<>();
    if (source != null) u.add(SOURCE.valueSet(source));
    if (target != null) u.add(TARGET.valueSet(target));
    u.add(REHEARSAL.valueSet(rehearsal));
    Workflow.upsertTypedSearchAttributes(u.toArray(new SearchAttributeUpdate<?>[0]));
  }

  /** Upserts phase, paused flag, reason and step where they differ from what was last upserted. */
  public void update(String phase, boolean paused, String pausedReason, String step) {
    List<SearchAttributeUpdate<?>> u = new ArrayList<>();
    if (!Objects.equals(phase, this.phase)) {
      this.phase = phase;
      u.add(phase == null ? PHASE.valueUnset() : PHASE.valueSet(phase));
    }
    if (!Objects.equals(paused, this.paused)) {
      this.paused = paused;
      u.add(PAUSED.valueSet(paused));
    }
    String reason = pausedReason == null ? null : clip(pausedReason);
    if (!Objects.equals(reason, this.pausedReason)) {
      this.pausedReason = reason;
      u.add(reason == null ? PAUSED_REASON.valueUnset() : PAUSED_REASON.valueSet(reason));
    }
    if (!Objects.equals(step, this.step)) {
      this.step = step;
      u.add(step == null ? STEP.valueUnset() : STEP.valueSet(step));
    }
    if (!u.isEmpty()) Workflow.upsertTypedSearchAttributes(u.toArray(new SearchAttributeUpdate<?>[0]));
  }

  private static String clip(String s) {
    // Visibility stores limit attribute sizes; the status query has the full text.
    return s.length() > 500 ? s.substring(0, 497) + "..." : s;
  }
}
