package io.pvespan.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes the inventory file format. Unknown fields are errors. */
public final class InventoryJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private InventoryJson() {}

  /**
   * Reads an inventory file.
   *
   * @throws InvalidInventoryException with {@code file:line:col: message} when it is not one
   */
  public static Inventory read(Path file) {
    try {
      return MAPPER.readValue(Files.readAllBytes(file), Inventory.class);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where =
          loc == null ? file.toString() : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
      throw new InvalidInventoryException(where + ": " + rootMessage(e));
    } catch (IOException e) {
      throw new InvalidInventoryException(file + ": cannot read: " + e.getMessage());
    }
  }

  public static String write(Inventory inventory) {
    try {
      return MAPPER.writeValueAsString(inventory.sorted());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("inventory does not serialise", e);
    }
  }

  private static String rootMessage(JsonProcessingException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof IllegalArgumentException || t instanceof NullPointerException) {
      return t.getMessage();
    }
    return e.getOriginalMessage();
  }

  /** An inventory file that cannot be used; the message is one line for the user. */
  public static final class InvalidInventoryException extends RuntimeException {
    public InvalidInventoryException(String message) {
      super(message);
    }
  }
}
