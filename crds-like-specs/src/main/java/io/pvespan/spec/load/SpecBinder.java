package io.pvespan.spec.load;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Binds a schema-valid document to its record ({@code Sensor}, {@code MirrorSession}). Strict:
 * unknown fields are errors (the schemas say so too; this keeps records and schemas honest), and
 * what a record's constructor refuses becomes a problem at the field Jackson was binding.
 */
final class SpecBinder {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The bound record, or a problem. */
  sealed interface Bound<T> {}

  record Value<T>(T value) implements Bound<T> {}

  record Failed<T>(SpecProblem problem) implements Bound<T> {}

  private SpecBinder() {}

  static <T> Bound<T> bind(YamlDocument document, Class<T> type) {
    try {
      return new Value<>(MAPPER.treeToValue(document.root(), type));
    } catch (UnrecognizedPropertyException e) {
      String field = FieldPath.of(e.getPath());
      return new Failed<>(document.problemAt(document.keyAt(field), field, "unknown field"));
    } catch (JsonMappingException e) {
      String field = FieldPath.of(e.getPath());
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      return new Failed<>(document.problem(field, message.lines().findFirst().orElse("")));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return new Failed<>(document.problem("", String.valueOf(e.getOriginalMessage())));
    }
  }
}
