package dev.migrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.migrator.model.MigrationRequest;
import dev.migrator.workflow.RequestValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Reads a MigrationRequest from JSON strictly: unknown or misspelt fields are refused with the
 * field's path and the closest valid name, then the request is validated like the workflow does.
 */
public final class RequestReader {
  /** A request that cannot be used, with a message an engineer can act on. */
  public static final class BadRequest extends Exception {
    public BadRequest(String message) {
      super(message);
    }
  }

  private static final ObjectMapper STRICT = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

  private RequestReader() {}

  public static MigrationRequest read(Path file) throws BadRequest {
    try {
      return parse(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new BadRequest("request file " + file + " does not exist");
    } catch (IOException e) {
      throw new BadRequest("cannot read request file " + file + ": " + e.getMessage());
    }
  }

  public static MigrationRequest parse(String json) throws BadRequest {
    MigrationRequest r;
    try {
      r = STRICT.readValue(json, MigrationRequest.class);
    } catch (UnrecognizedPropertyException e) {
      String path = e.getPath().stream().map(p -> p.getFieldName() == null ? "[" + p.getIndex() + "]" : p.getFieldName())
          .reduce((a, b) -> a + "." + b).orElse(e.getPropertyName());
      String closest = closest(e.getPropertyName(), e.getKnownPropertyIds());
      throw new BadRequest("unknown field '" + path + "'" + (closest == null ? "" : ": did you mean '" + closest + "'?")
          + " (valid here: " + e.getKnownPropertyIds() + ")");
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      throw new BadRequest("the request is not valid JSON for a MigrationRequest" + where + ": " + e.getOriginalMessage());
    }
    List<String> problems = RequestValidator.problems(r);
    if (!problems.isEmpty()) throw new BadRequest("invalid request:\n  - " + String.join("\n  - ", problems));
    return r;
  }

  static String closest(String name, Collection<Object> known) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (Object k : known) {
      int d = distance(name.toLowerCase(), k.toString().toLowerCase());
      if (d < bestD) {
        bestD = d;
        best = k.toString();
      }
    }
    return bestD <= Math.max(2, name.length() / 3) ? best : null;
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
