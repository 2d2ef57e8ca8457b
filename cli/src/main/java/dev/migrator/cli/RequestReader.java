package dev.migrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.RequestJson;
import dev.migrator.workflow.RequestValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Reads a MigrationRequest from JSON strictly: unknown or misspelt fields are refused with the
 * field's path and the closest valid name, values of the wrong type with their path (both read by
 * {@link RequestJson}, as the workflow reads its input), then the request is validated like the
 * workflow does.
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
    return RequestJson.closest(name, known);
  }
}
