package io.pvespan.spec.load;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.networknt.schema.JsonNodePath;
import java.util.List;

/** Field paths as users read them: {@code spec.sources.nics[1]}; the document root is "". */
final class FieldPath {
  private FieldPath() {}

  static String field(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** The path one level up ("" stays ""). */
  static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /** A JSON Schema validator instance location ({@code $.spec.nics[1]}) as a field path. */
  static String of(JsonNodePath location) {
    String path = "";
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      path = element instanceof Integer n ? index(path, n) : field(path, String.valueOf(element));
    }
    return path;
  }

  /** Where Jackson data binding failed, as a field path. */
  static String of(List<JsonMappingException.Reference> references) {
    String path = "";
    for (JsonMappingException.Reference r : references) {
      path = r.getFieldName() != null ? field(path, r.getFieldName()) : index(path, r.getIndex());
    }
    return path;
  }
}
