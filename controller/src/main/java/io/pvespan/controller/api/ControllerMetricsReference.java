package io.pvespan.controller.api;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.pvespan.controller.AgentSnapshot;
import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.model.Direction;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorSpec;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import io.pvespan.status.NodeMirrorStatus;
import java.time.Instant;
import java.util.List;

/**
 * Every metric the controller exposes, with at least one sample each, from the same code that
 * serves {@code /metrics}: the source of the generated metric reference ({@code docs/metrics.md}),
 * so the reference cannot drift from what a controller says.
 */
public final class ControllerMetricsReference {
  private ControllerMetricsReference() {}

  public static MetricSnapshots sample() {
    Sensor ids = Sensor.of("ids", new SensorSpec(new SensorVm(new VmId(999), new NicId(0)), null));
    MirrorSession web =
        MirrorSession.of(
            "web",
            new MirrorSessionSpec(
                new SourceSelector(List.of(new VmId(101)), null, null, null, null, null, null),
                Direction.BOTH,
                "ids",
                null,
                null,
                false));
    var mirror =
        new io.pvespan.plan.MirrorEntry(
            "web",
            new VmId(101),
            new NicId(0),
            io.pvespan.model.InterfaceName.of("tap101i0"),
            Direction.BOTH,
            io.pvespan.plan.EntryState.ACTIVE,
            new io.pvespan.plan.LocalTarget(io.pvespan.model.InterfaceName.of("tap999i0")),
            List.of());
    var canaries =
        new io.pvespan.status.CanaryStatus(
            10_000,
            true,
            List.of(),
            List.of(
                new io.pvespan.status.CanaryStatus.Received(
                    "web", "pve1", "tap999i0", 1, Instant.EPOCH, Instant.EPOCH, 1)));
    NodeMirrorStatus status =
        new NodeMirrorStatus(null, null, "pve1", 1, null, null, List.of(), null, null, null)
            .withCanaries(canaries);
    AgentSnapshot agent =
        new AgentSnapshot(
            "pve1",
            "http://pve1:8700/",
            true,
            null,
            1,
            "d",
            1,
            "d",
            status,
            null,
            1,
            0,
            false,
            null);
    ControllerSnapshot s =
        new ControllerSnapshot(
            Instant.EPOCH,
            new SpecSet(List.of(ids), List.of(web)),
            List.of(),
            null,
            null,
            null,
            0,
            0,
            List.of(
                io.pvespan.plan.NodeMirrorPlan.of(
                    "pve1", 1, List.of(mirror), List.of(), List.of())),
            List.of(),
            List.of(),
            List.of(agent),
            0);
    return ControllerMetrics.snapshots(s, true, 1, 1);
  }
}
