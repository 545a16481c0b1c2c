package io.pvespan.controller.pve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;

/**
 * Reads Proxmox JSON fields the way real servers and real client mocks send them: booleans as 0/1,
 * {@code "0"}/{@code "1"} or true/false; numbers as numbers or strings; absent fields as null.
 */
public final class Tolerant {
  private Tolerant() {}

  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String s = v.asText();
    return s.isEmpty() ? null : s;
  }

  public static boolean bool(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      return v.asInt() != 0;
    }
    return parseBool(v.asText());
  }

  /** Proxmox's boolean spellings (pve-common JSONSchema: 1|0|on|off|yes|no|true|false). */
  public static boolean parseBool(String s) {
    return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "1", "on", "yes", "true" -> true;
      case "0", "off", "no", "false", "" -> false;
      default -> throw new IllegalArgumentException("'" + s + "' is not a boolean (0/1)");
    };
  }

  /** An integer field, or null when absent; throws IllegalArgumentException when not a number. */
  public static Integer integer(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber()) {
      return v.intValue();
    }
    try {
      return Integer.valueOf(v.asText().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " '" + v.asText() + "' is not a number");
    }
  }

  /**
   * Splits Proxmox tags. Proxmox stores them {@code ;}-joined and accepts {@code ,}, {@code ;} and
   * spaces as separators (pve-common {@code PVE::Tools::split_list}).
   */
  public static List<String> tags(String joined) {
    if (joined == null || joined.isBlank()) {
      return List.of();
    }
    return Arrays.stream(joined.split("[;,\\s]+")).filter(t -> !t.isEmpty()).distinct().toList();
  }
}
