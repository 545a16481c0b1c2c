package io.pvespan.agent.kernel;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@code -force -batch -} run printed on stdout, and the lines that failed: 1-based line
 * number to the error the tool printed for it.
 */
public record BatchResult(String stdout, Map<Integer, String> failedLines) {
  public BatchResult {
    failedLines = Map.copyOf(new TreeMap<>(failedLines));
  }

  public boolean ok() {
    return failedLines.isEmpty();
  }
}
