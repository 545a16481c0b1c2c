package io.pvespan.controller.planner;

import static io.pvespan.controller.planner.PlanFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.model.GuestType;
import io.pvespan.model.VmId;
import io.pvespan.spec.SpecSet;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Which guests' configs a spec set needs. Guests as {@code /cluster/resources} shows them: no NICs.
 * 101 qemu pve1 tags web;dmz pool prod; 102 lxc pve2 tag db; 103 qemu pve3; 200 qemu pve1 (a
 * sensor's VM); 900 a template tagged web.
 */
class GuestInterestTest {
  static final List<Guest> GUESTS =
      List.of(
          bare(101, GuestType.QEMU, "pve1", "prod", false, "Web", "dmz"),
          bare(102, GuestType.LXC, "pve2", null, false, "db"),
          bare(103, GuestType.QEMU, "pve3", null, false),
          bare(200, GuestType.QEMU, "pve1", null, false),
          bare(900, GuestType.QEMU, "pve2", null, true, "web"));

  static Guest bare(
      int vmid, GuestType type, String node, String pool, boolean template, String... tags) {
    return new Guest(
        VmId.of(vmid), type, node, "running", null, List.of(tags), pool, template, null, List.of());
  }

  static List<Integer> interesting(SpecSet specs) {
    Predicate<Guest> interest = GuestInterest.of(specs);
    return GUESTS.stream().filter(interest).map(g -> g.vmid().value()).toList();
  }

  static SpecSet oneSession(Selector sources) {
    return specs(List.of(ids1(), collector()), session("s", sources.build(), "ids-1"));
  }

  @Test
  void aSensorsVmIsOfInterestEvenWithNoSession() {
    assertThat(interesting(specs(List.of(ids1(), collector())))).containsExactly(200);
  }

  @Test
  void nothingIsOfInterestWithoutSpecs() {
    assertThat(interesting(SpecSet.empty())).isEmpty();
  }

  @Test
  void eachGuestFieldSelectsAsThePlannerDoes() {
    // tags compare case-insensitively; the template 900 is never a source
    assertThat(interesting(oneSession(sources().tags("web")))).containsExactly(101, 200);
    assertThat(interesting(oneSession(sources().pools("prod")))).containsExactly(101, 200);
    assertThat(interesting(oneSession(sources().vmids(103, 404)))).containsExactly(103, 200);
    assertThat(interesting(oneSession(sources().nodes("pve2")))).containsExactly(102, 200);
    assertThat(interesting(oneSession(sources().types(GuestType.LXC)))).containsExactly(102, 200);
    assertThat(interesting(oneSession(sources().nodes("pve1").types(GuestType.QEMU))))
        .containsExactly(101, 200);
  }

  @Test
  void nicsAndNicOnlyExcludesDoNotNarrowTheGuests() {
    assertThat(interesting(oneSession(sources().tags("dmz").nics("net3"))))
        .containsExactly(101, 200);
    assertThat(interesting(oneSession(sources().tags("dmz").exclude(sources().nics("net0")))))
        .containsExactly(101, 200);
  }

  @Test
  void aGuestTheExcludeRemovesIsNotNeeded() {
    assertThat(interesting(oneSession(sources().nodes("pve1").exclude(sources().vmids(101)))))
        .containsExactly(200);
  }

  @Test
  void aPausedSessionNeedsNoConfigs() {
    SpecSet paused =
        specs(
            List.of(ids1()),
            session(
                "s",
                sources().tags("db").build(),
                "ids-1",
                io.pvespan.model.Direction.BOTH,
                io.pvespan.model.Encapsulation.AUTO,
                true));
    assertThat(interesting(paused)).containsExactly(200);
  }

  @Test
  void aGuestNoSpecSelectsIsNotOfInterest() {
    assertThat(interesting(oneSession(sources().tags("nope")))).containsExactly(200);
  }

  /**
   * The point of it all: planning with only the configs of interest read (the others' NICs dropped)
   * gives the same plans as planning with every config read.
   */
  @Test
  void planningOnlyTheGuestsOfInterestWithNicsGivesTheSamePlans() {
    Inventory full = lab();
    List<SpecSet> specSets =
        List.of(
            labSpecs(session("dmz", sources().tags("dmz").build(), "ids-1")),
            labSpecs(
                session("db", sources().vmids(104).build(), "ids-2"),
                session("remote", sources().nodes("pve2").build(), "collector")),
            labSpecs(session("pve1", sources().nodes("pve1").nics("net0").build(), "ids-2")));
    for (SpecSet specs : specSets) {
      Predicate<Guest> interest = GuestInterest.of(specs);
      List<Guest> partial =
          full.guests().stream()
              .map(g -> interest.test(withoutNics(g)) ? g : withoutNics(g))
              .toList();
      assertThat(partial).isNotEqualTo(full.guests()); // some configs really were skipped
      assertThat(plan(specs, new Inventory(full.nodes(), partial))).isEqualTo(plan(specs, full));
    }
  }

  static Guest withoutNics(Guest g) {
    return new Guest(
        g.vmid(),
        g.type(),
        g.node(),
        g.status(),
        g.name(),
        g.tags(),
        g.pool(),
        g.template(),
        g.lock(),
        List.of());
  }
}
