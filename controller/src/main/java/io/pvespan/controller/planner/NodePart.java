package io.pvespan.controller.planner;

import io.pvespan.plan.Delivery;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.TunnelDevice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one session contributes to one node's plan: its mirrors, the tunnels it needs there (in the
 * order it asked for them) and its deliveries. Filled by {@link SessionPlanner} while it plans the
 * session and never changed once the session's {@link SessionOutcome} exists, so two parts compare
 * by content (a re-plan uses that to find the nodes a session's change touches).
 */
record NodePart(List<MirrorEntry> mirrors, List<TunnelDevice> tunnels, List<Delivery> deliveries) {
  static NodePart empty() {
    return new NodePart(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  }

  /** The same part, read-only (once the session is planned). */
  NodePart frozen() {
    return new NodePart(
        Collections.unmodifiableList(mirrors),
        Collections.unmodifiableList(tunnels),
        Collections.unmodifiableList(deliveries));
  }
}
