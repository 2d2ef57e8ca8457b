package dev.migrator.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Reads a {@link MigrationRequest} from JSON without ever failing: every unknown field (with the
 * closest valid name) and every value of the wrong type (with its path) becomes a problem the
 * request carries in {@link MigrationRequest#inputProblems}, and the validate step (step 0) fails
 * with them. The CLI reads request files through the same code, so a request started from the
 * {@code temporal} CLI or the Web UI gets the same messages as one started by {@code migrator start}
 * instead of a workflow task that cannot decode its input, forever. Pure code: deterministic.
 */
public final class RequestJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

  private RequestJson() {}

  /** The request as far as it could be read, with a problem for each field that could not. */
  static MigrationRequest read(JsonNode node) {
    MigrationRequest r = new MigrationRequest();
    if (node == null || node.isNull()) return r;
    if (!node.isObject()) {
      r.inputProblems.add("the request must be a JSON object with fields like \"source\", \"target\" and \"schemas\", not "
          + describe(node.asToken(), node.isValueNode() ? node.asText() : null, null));
      return r;
    }
    Problems problems = new Problems();
    try {
      // Updating an existing instance skips MigrationRequest's own creator (this method).
      MAPPER.readerForUpdating(r).withHandler(problems).readValue(node);
    } catch (JsonMappingException e) {
      problems.list.add(path(e.getPath()) + " could not be read: " + e.getOriginalMessage());
    } catch (IOException e) {
      problems.list.add("the request could not be read: " + e.getMessage());
    }
    r.inputProblems.addAll(problems.list);
    return r;
  }

  /** Collects problems and goes on (unknown fields skipped, wrong values left at their defaults). */
  private static final class Problems extends DeserializationProblemHandler {
    final List<String> list = new ArrayList<>();

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
        Object beanOrClass, String propertyName) throws IOException {
      Collection<Object> known = deserializer.getKnownPropertyNames();
      String closest = known == null ? null : closest(propertyName, known);
      // The parser may already be inside the field's value: name the field's own context.
      JsonStreamContext c = p.getParsingContext();
      while (c != null && !(c.inObject() && propertyName.equals(c.getCurrentName()))) c = c.getParent();
      list.add("unknown field '" + (c == null ? propertyName : path(c)) + "'"
          + (closest == null ? "" : ": did you mean '" + closest + "'?")
          + (known == null ? "" : " (valid here: " + known + ")"));
      p.skipChildren();
      return true;
    }

    @Override
    public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String valueToConvert,
        String failureMsg) {
      String where = path(ctxt.getParser().getParsingContext());
      list.add(where + " must be " + expected(targetType) + ", not " + describe(JsonToken.VALUE_STRING, valueToConvert, where));
      return fallback(targetType);
    }

    @Override
    public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number valueToConvert,
        String failureMsg) {
      String where = path(ctxt.getParser().getParsingContext());
      list.add(where + " must be " + expected(targetType) + ", not " + describe(JsonToken.VALUE_NUMBER_INT,
          String.valueOf(valueToConvert), where));
      return fallback(targetType);
    }

    @Override
    public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
        com.fasterxml.jackson.databind.deser.ValueInstantiator valueInsts, JsonParser p, String msg) throws IOException {
      // E.g. "schemas": "shop" (a string where a list goes).
      JsonToken t = p.currentToken();
      String where = path(p.getParsingContext());
      list.add(where + " must be " + expected(instClass) + ", not "
          + describe(t, t != null && t.isScalarValue() ? p.getText() : null, where));
      p.skipChildren();
      return fallback(instClass);
    }

    @Override
    public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
        String failureMsg) throws IOException {
      String where = path(p.getParsingContext());
      String text = t != null && t.isScalarValue() ? p.getText() : null;
      list.add(where + " must be " + expected(targetType.getRawClass()) + ", not " + describe(t, text, where));
      p.skipChildren();
      return fallback(targetType.getRawClass());
    }
  }

  /** What a value of {@code type} is, in words. */
  static String expected(Class<?> type) {
    if (type == int.class || type == long.class || type == short.class || type == Integer.class || type == Long.class
        || type == Short.class || type == double.class || type == float.class || type == Double.class
        || type == Float.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) return "true or false";
    if (type == String.class) return "a string";
    if (Collection.class.isAssignableFrom(type) || type.isArray()) return "a list";
    if (type.isEnum()) return "one of " + java.util.Arrays.toString(type.getEnumConstants());
    return "an object";
  }

  /** The value given, for the message; never the value of a field that may hold a secret. */
  static String describe(JsonToken t, String text, String where) {
    if (t == JsonToken.START_OBJECT) return "an object";
    if (t == JsonToken.START_ARRAY) return "a list";
    if (t == JsonToken.VALUE_NULL) return "null";
    String last = where == null ? "" : where.substring(where.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    if (last.contains("password") || last.contains("secret") || last.contains("token") || last.contains("key")) {
      return "the value given (not shown: it may be a secret)";
    }
    if (text == null) return String.valueOf(t);
    String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
    return t == JsonToken.VALUE_STRING ? "\"" + shown + "\"" : shown;
  }

  private static Object fallback(Class<?> type) {
    if (type == int.class || type == Integer.class) return 0;
    if (type == long.class || type == Long.class) return 0L;
    if (type == short.class || type == Short.class) return (short) 0;
    if (type == double.class || type == Double.class) return 0d;
    if (type == float.class || type == Float.class) return 0f;
    if (type == boolean.class || type == Boolean.class) return Boolean.FALSE;
    return null;
  }

  /** "source.port", "schemas[1]" for where the parser is. */
  static String path(JsonStreamContext c) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext x = c; x != null && !x.inRoot(); x = x.getParent()) {
      if (x.inObject() && x.getCurrentName() != null) parts.addFirst("." + x.getCurrentName());
      else if (x.inArray() && x.getCurrentIndex() >= 0) parts.addFirst("[" + x.getCurrentIndex() + "]");
    }
    String s = String.join("", parts);
    return s.startsWith(".") ? s.substring(1) : s.isEmpty() ? "the request" : s;
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null) sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
      else if (ref.getIndex() >= 0) sb.append('[').append(ref.getIndex()).append(']');
    }
    return sb.length() == 0 ? "the request" : sb.toString();
  }

  /** The known name closest to {@code name} (edit distance), or null when none is close. */
  public static String closest(String name, Collection<Object> known) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (Object k : known) {
      int d = distance(name.toLowerCase(Locale.ROOT), k.toString().toLowerCase(Locale.ROOT));
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
