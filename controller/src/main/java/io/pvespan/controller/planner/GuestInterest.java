package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.model.VmId;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The guests whose NICs a spec set can need, so that the inventory reads configs only for those:
 * every Sensor's VM, and every guest that an unpaused session's {@code sources} selects by the
 * planner's own rule ({@link SourceMatcher#selects}, so the two can never disagree): a guest that
 * {@code exclude} removes is not of interest, and {@code nics} (about NICs, not guests) plays no
 * part. Paused sessions plan nothing, so their sources need no NICs; un-pausing changes the specs
 * and so the interest.
 */
public final class GuestInterest {
  private GuestInterest() {}

  /**
   * A pure predicate over guests as {@code /cluster/resources} describes them (no NICs): vmid,
   * type, node, tags, pool, template. Safe to share between threads.
   */
  public static Predicate<Guest> of(SpecSet specs) {
    Set<VmId> sensors =
        specs.sensors().stream()
            .map(Sensor::spec)
            .filter(s -> s.vm() != null)
            .map(s -> s.vm().vmid())
            .collect(Collectors.toUnmodifiableSet());
    List<SourceSelector> sources =
        specs.sessions().stream()
            .map(MirrorSession::spec)
            .filter(s -> !s.isPaused())
            .map(MirrorSessionSpec::sources)
            .toList();
    return guest ->
        sensors.contains(guest.vmid())
            || sources.stream().anyMatch(s -> SourceMatcher.selects(s, guest));
  }
}
