package io.pvespan.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Opens {@link StatusTables}' package-private renderers to tests in other packages. */
public final class StatusTablesAccess {
  private StatusTablesAccess() {}

  public static String gitSync(JsonNode plans) {
    return StatusTables.gitSync(plans);
  }
}
