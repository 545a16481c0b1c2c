package io.pvespan.controller.reconcile;

import io.pvespan.controller.agents.AgentClient;
import io.pvespan.controller.agents.AgentException;
import io.pvespan.controller.state.StateStore;
import io.pvespan.status.GuestDevice;
import io.pvespan.status.NodeMirrorStatus;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Reads one agent's {@code GET /v1/status} (inside that node's reconcile, so never at the same time
 * as a push to it) and records it: the applied generation and digest, drift, reachability, and the
 * generation floor when the agent's number is believable. The guest devices it reports go to {@code
 * devicesReported} afterwards, outside any state update (the listener must hand slow work
 * elsewhere).
 */
final class StatusRead {
  private final StateStore store;
  private final AgentClient client;
  private final BiConsumer<String, List<GuestDevice>> devicesReported;

  StatusRead(
      StateStore store, AgentClient client, BiConsumer<String, List<GuestDevice>> devicesReported) {
    this.store = store;
    this.client = client;
    this.devicesReported = devicesReported;
  }

  /** True when the agent answered as {@code node}'s agent. */
  boolean read(String node, URI url) {
    NodeMirrorStatus status = null;
    String error;
    try {
      status = client.status(url, node);
      error =
          node.equals(status.node())
              ? null
              : "the agent at " + url + " reports node '" + status.node() + "', not '" + node + "'";
    } catch (AgentException | RuntimeException e) {
      error = e.getMessage();
    }
    if (error != null) {
      String why = error;
      boolean answered = status != null;
      store.update(st -> st.observe(node, o -> o.statusFailed(why, answered)));
      return false;
    }
    NodeMirrorStatus read = status;
    Instant now = store.clock().instant();
    store.update(
        st ->
            st.nodes().containsKey(node)
                ? st.observe(node, o -> o.statusRead(read, now))
                    .withGenerations(st.generations().raise(node, read.appliedGeneration()))
                : st);
    devicesReported.accept(node, read.guestDevices());
    return true;
  }
}
