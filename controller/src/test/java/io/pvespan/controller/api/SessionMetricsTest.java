package io.pvespan.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.pvespan.controller.AgentSnapshot;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.status.Condition;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.NodeMirrorStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Session and entry metrics follow the API's conditions and the agents' entries: no I/O. */
class SessionMetricsTest {
  private static SessionView view(
      String name, boolean paused, boolean ready, boolean degraded, int devices) {
    List<String> taps =
        java.util.stream.IntStream.range(0, devices).mapToObj(i -> "tap" + i).toList();
    return new SessionView(
        name,
        "ids",
        paused,
        List.of(),
        devices == 0 ? Map.of() : Map.of("pve1", taps),
        0,
        0,
        List.of(
            new Condition("Ready", ready ? "True" : "False", "R", "", null, 0),
            new Condition("Degraded", degraded ? "True" : "False", "D", "", null, 0)));
  }

  /** name{labels} to value, labels as k=v joined by commas in the client's (sorted) order. */
  private static Map<String, Double> values(MetricSnapshot m) {
    Map<String, Double> out = new TreeMap<>();
    for (var p : ((GaugeSnapshot) m).getDataPoints()) {
      StringBuilder labels = new StringBuilder();
      p.getLabels()
          .forEach(
              l ->
                  labels
                      .append(labels.isEmpty() ? "" : ",")
                      .append(l.getName())
                      .append('=')
                      .append(l.getValue()));
      out.put(labels.toString(), p.getValue());
    }
    return out;
  }

  @Test
  void oneSeriesPerSessionFromItsConditions() {
    List<MetricSnapshot> m =
        SessionMetrics.sessions(
            List.of(
                view("web", false, true, false, 2),
                view("db", false, false, true, 1),
                view("off", true, false, false, 0)));
    assertThat(m)
        .extracting(x -> x.getMetadata().getPrometheusName())
        .containsExactly(
            "pvespan_controller_session_ready",
            "pvespan_controller_session_degraded",
            "pvespan_controller_session_paused",
            "pvespan_controller_session_source_devices");
    assertThat(values(m.get(0)))
        .containsExactlyEntriesOf(
            new TreeMap<>(Map.of("session=db", 0.0, "session=off", 0.0, "session=web", 1.0)));
    assertThat(values(m.get(1))).containsEntry("session=db", 1.0).containsEntry("session=web", 0.0);
    assertThat(values(m.get(2)))
        .containsEntry("session=off", 1.0)
        .containsEntry("session=web", 0.0);
    assertThat(values(m.get(3)))
        .containsEntry("session=web", 2.0)
        .containsEntry("session=db", 1.0)
        .containsEntry("session=off", 0.0);
  }

  @Test
  void entriesByNodeKindAndStateWithZerosAndWithoutAgentsNotReadYet() {
    EntryStatus failed =
        new EntryStatus("web", InterfaceName.of("tap101i0"), Direction.BOTH, "failed", "x", 0, 0);
    EntryStatus active =
        new EntryStatus("web", InterfaceName.of("tap102i0"), Direction.BOTH, "active", null, 1, 1);
    EntryStatus delivery =
        new EntryStatus("web", InterfaceName.of("pspv1"), null, "waiting", "absent", 0, 0);
    var status =
        new NodeMirrorStatus(
            null, null, "pve1", 1, null, null, List.of(failed, active, delivery), null, null, null);
    var read =
        new AgentSnapshot("pve1", "u", true, null, 1, "d", 1, "d", status, null, 0, 0, false, null);
    var notYet =
        new AgentSnapshot("pve2", "u", null, null, 0, null, 1, "d", null, null, 0, 0, false, null);
    Map<String, Double> v = values(SessionMetrics.nodeEntries(List.of(read, notYet)));
    assertThat(v)
        .hasSize(6)
        .containsEntry("kind=mirror,node=pve1,state=failed", 1.0)
        .containsEntry("kind=mirror,node=pve1,state=active", 1.0)
        .containsEntry("kind=mirror,node=pve1,state=waiting", 0.0)
        .containsEntry("kind=delivery,node=pve1,state=waiting", 1.0)
        .containsEntry("kind=delivery,node=pve1,state=failed", 0.0);
  }
}
