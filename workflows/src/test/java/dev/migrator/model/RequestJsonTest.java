package dev.migrator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lenient decoding of a request: every problem named, by path, and decoding never fails. */
class RequestJsonTest {
  static final ObjectMapper TEMPORAL_LIKE = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  static List<String> problems(String json) throws Exception {
    return TEMPORAL_LIKE.readValue(json, MigrationRequest.class).inputProblems;
  }

  @Test
  void nestedUnknownFieldsListsAndNullsAreNamedByPath() throws Exception {
    List<String> p = problems("{\"source\": {\"host\": \"a\", \"prot\": 1}, \"schemas\": \"shop\","
        + " \"copy\": {\"parallelism\": \"four\"}, \"target\": {\"port\": null}, \"tables\": [1, {\"x\": 1}]}");
    String all = String.join("\n", p);
    assertTrue(all.contains("unknown field 'source.prot': did you mean 'port'?"), all);
    assertTrue(all.contains("schemas must be a list, not \"shop\""), all);
    assertTrue(all.contains("copy.parallelism must be a number, not \"four\""), all);
    assertTrue(all.contains("target.port"), all);
  }

  @Test
  void notAnObjectIsNamed() throws Exception {
    List<String> p = problems("[\"shop\"]");
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("the request must be a JSON object"), p.get(0));
  }

  @Test
  void aValidRequestHasNoProblems() throws Exception {
    assertEquals(List.of(), problems("{\"source\": {\"host\": \"a\", \"port\": \"3306\"}, \"schemas\": [\"shop\"]}"));
  }
}
