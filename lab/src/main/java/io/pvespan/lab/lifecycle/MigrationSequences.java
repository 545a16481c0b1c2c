package io.pvespan.lab.lifecycle;

import java.util.ArrayList;
import java.util.List;

/**
 * Live migration of a VM (qemu-server {@code src/PVE/QemuMigrate.pm}), as three steps a caller
 * interleaves with the Proxmox API stand-in: {@link #begin} (stand-in: {@code lock: migrate}),
 * {@link #switchover} (stand-in: the node flips), {@link #finish}. The guest's traffic leaves the
 * VM namespace through the source tap until the switchover, through the target tap after it.
 */
public final class MigrationSequences {
  private MigrationSequences() {}

  /**
   * {@code QemuMigrate::phase2} starts the guest on the target ({@code qm start --migratedfrom},
   * paused, waiting for the RAM): QEMU opens the target tap and {@code pve-bridge} plugs and
   * rate-limits it while the source keeps running. The paused copy's NIC is parked as {@code ethN}
   * in a fresh namespace {@code parkNs} (created here, same MAC).
   */
  public static PlannedSequence begin(
      String targetNs, NodeView view, NicConfig nic, String parkNs, DriverOptions o) {
    Plan p = new Plan(targetNs, GuestSequences.seen(view, nic, o));
    return PlannedSequence.render(
        "migrate-begin",
        p,
        () -> {
          p.raw(lab("a namespace for the paused guest copy", Plan.IP, "netns", "add", parkNs));
          p.ip(
              false,
              Actor.GUEST_RUNTIME,
              "QEMU (incoming, paused) opens the target tap",
              "link",
              "add",
              nic.hostDevice(),
              "type",
              "veth",
              "peer",
              "name",
              nic.guestDevice(),
              "netns",
              parkNs,
              "address",
              nic.mac());
          p.created(nic.hostDevice(), 1500, "veth");
          NetworkPm.tapCreate(p, nic.hostDevice(), nic.bridge());
          NetworkPm.tapPlug(p, nic, o.counterDevice());
        });
  }

  /**
   * The end of the RAM copy: the guest resumes on the target ({@code QemuMigrate::phase3_cleanup},
   * {@code qm resume} there). Lab: the parked NIC moves into the VM namespace and replaces {@code
   * ethN} in one {@code ip -batch} process (old one down and renamed, new one renamed, up, the same
   * addresses and routes), then the old one moves out to the parking namespace, where it stays
   * until {@link #finish} deletes the source tap. A sender in the VM namespace keeps its socket.
   *
   * @param addresses the VM's addresses on {@code ethN}, {@code A/P} (read before)
   * @param routes the VM's non-kernel routes via {@code ethN}, as {@code ip route add} arguments
   *     without {@code dev} (e.g. {@code default via 198.18.1.1})
   */
  public static PlannedSequence switchover(
      String vmNs, String parkNs, NicConfig nic, List<String> addresses, List<String> routes) {
    String eth = nic.guestDevice();
    String in = "pvlcin" + nic.index();
    String out = "pvlcout" + nic.index();
    StringBuilder batch = new StringBuilder();
    batch.append("link set ").append(eth).append(" down\n");
    batch.append("link set ").append(eth).append(" name ").append(out).append('\n');
    batch.append("link set ").append(in).append(" name ").append(eth).append('\n');
    batch.append("link set ").append(eth).append(" up");
    if (nic.mtu() != null) {
      batch.append(" mtu ").append(nic.mtu());
    }
    batch.append('\n');
    for (String a : addresses) {
      batch.append("addr add ").append(a).append(" dev ").append(eth).append('\n');
    }
    for (String r : routes) {
      batch.append("route add ").append(r).append(" dev ").append(eth).append('\n');
    }
    List<ProxmoxCommand> cmds = new ArrayList<>();
    cmds.add(
        lab(
            "the resumed guest's NIC enters the VM namespace",
            Plan.IP,
            "-n",
            parkNs,
            "link",
            "set",
            eth,
            "netns",
            vmNs,
            "name",
            in));
    cmds.add(
        new ProxmoxCommand(
            List.of(Plan.IP, "-n", vmNs, "-batch", "-"),
            false,
            Actor.LAB,
            "the guest resumes on the target: swap " + eth,
            batch.toString()));
    cmds.add(
        lab(
            "the paused source copy's NIC leaves the VM namespace",
            Plan.IP,
            "-n",
            vmNs,
            "link",
            "set",
            out,
            "netns",
            parkNs));
    return new PlannedSequence("migrate-switchover", cmds, java.util.Optional.empty());
  }

  /**
   * {@code QemuMigrate::phase3_cleanup} stops the source with {@code vm_stop(..., nocheck)} (no
   * pre-stop or post-stop hookscript): QEMU quits, its downscript {@code pve-bridgedown} runs
   * {@code tap_unplug}, the tap goes with the QEMU process. Then the parking namespace goes.
   */
  public static PlannedSequence finish(
      String sourceNs, NodeView view, NicConfig nic, String parkNs) {
    Plan p = new Plan(sourceNs, view);
    return PlannedSequence.render(
        "migrate-finish",
        p,
        () -> {
          GuestSequences.unplug(p, nic, "qemu-server src/usr/pve-bridgedown (source QEMU quits)");
          p.raw(lab("the parking namespace goes", Plan.IP, "netns", "delete", parkNs));
        });
  }

  private static ProxmoxCommand lab(String origin, String... argv) {
    return new ProxmoxCommand(List.of(argv), false, Actor.LAB, origin, "");
  }
}
