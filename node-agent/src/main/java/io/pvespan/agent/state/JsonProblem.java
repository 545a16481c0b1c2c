package io.pvespan.agent.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * One line for a JSON problem: where (the JSON path, e.g. {@code mirrors[0].interface}) and what
 * (the root cause's message, so a value type's refusal reads as written), never a stack trace.
 */
public final class JsonProblem {
  private JsonProblem() {}

  public static String describe(JsonProcessingException e) {
    String where = "";
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder();
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
      where = path + ": ";
    } else if (e.getLocation() != null) {
      where =
          "line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": ";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String what =
        root instanceof JsonProcessingException j ? j.getOriginalMessage() : root.getMessage();
    if (what == null) {
      what = root.getClass().getSimpleName();
    }
    int newline = what.indexOf('\n');
    return where + (newline >= 0 ? what.substring(0, newline) : what);
  }
}
