package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class StatusTablesPathsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String print(String sessions) throws Exception {
    StringWriter w = new StringWriter();
    try (PrintWriter out = new PrintWriter(w)) {
      JsonNode empty = JSON.readTree("[]");
      StatusTables.print(JSON.readTree(sessions), empty, JSON.readTree("{}"), out);
    }
    return w.toString();
  }

  @Test
  void pathsArePrintedPerSessionAndSourceNode() throws Exception {
    String text =
        print(
            "[{\"name\":\"web\",\"sensor\":\"ids\",\"conditions\":[],\"paths\":["
                + "{\"node\":\"pve1\",\"message\":\"path verified 3 s ago\"},"
                + "{\"node\":\"pve2\",\"message\":\"path not verified (no canary arrived)\"}]}]");
    assertThat(text)
        .contains("PATHS (canaries)")
        .containsPattern("web +pve1 +path verified 3 s ago")
        .containsPattern("web +pve2 +path not verified \\(no canary arrived\\)");
  }

  @Test
  void noPathsNoSection() throws Exception {
    assertThat(print("[{\"name\":\"web\",\"sensor\":\"ids\",\"conditions\":[]}]"))
        .doesNotContain("PATHS");
  }
}
