package io.pvespan.controller.capture;

import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.spec.FilterRule;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The agents' live-capture API ({@code /v1/captures}, see {@code docs/capture.md}). */
public interface CaptureClient {
  /** The agent refused the capture for good (400, 403, 404, 429, 503): one line. */
  final class Refused extends IOException {
    public Refused(String message) {
      super(message);
    }
  }

  /**
   * {@code POST /v1/captures}: the capture's id on that agent. {@code rules}: the session's filter
   * rules (the agent keeps only what they mirror; empty: everything).
   */
  String start(
      URI agent,
      String node,
      String session,
      InterfaceName device,
      Direction direction,
      Optional<String> filter,
      List<FilterRule> rules,
      Duration duration,
      long maxBytes)
      throws IOException;

  /** {@code GET /v1/captures/ID?from=N}: waits up to about a second for bytes. */
  Chunk read(URI agent, String node, String id, long from) throws IOException;

  /** {@code DELETE /v1/captures/ID}; never throws (the agent stops an unread capture anyway). */
  void cancel(URI agent, String node, String id);

  /** Bytes from stream offset {@code offset}; {@code ended}: nothing follows them. */
  record Chunk(long offset, byte[] bytes, boolean ended, String reason) {}
}
