package io.pvespan.lab.lifecycle;

import java.util.Optional;

/**
 * pve-common {@code src/PVE/Network.pm} {@code tap_rate_limit} and {@code setup_tc_rate_limit}
 * (commit 057f62f7), command for command: four deletes whose failure Proxmox ignores, then, only
 * with a rate, htb root, class 1:1, the ingress qdisc and a filter at prio 50.
 *
 * <p><b>Substitution (this kernel has no {@code police} action and no {@code basic}
 * classifier).</b> Proxmox's last command is {@code tc filter add dev X parent ffff: prio 50 basic
 * police rate Rbps burst Bb mtu 64kb drop}. The driver puts a stand-in at the same parent, prio and
 * protocol: {@code u32 match u32 0 0} (every frame) with either {@code action mirred egress mirror
 * dev COUNTER} (default control {@code pipe}) when a counter device is configured, or {@code flowid
 * ffff:1} (no action) otherwise. Both end classification for every frame, as police's verdict does,
 * so a filter after prio 50 never sees the VM's traffic and one before it with {@code pipe} hides
 * it from the stand-in; with a counter device, its counters prove the prio-50 filter still saw
 * every frame. It does not limit the rate.
 */
final class RateLimit {
  static final String ORIGIN = "pve-common src/PVE/Network.pm setup_tc_rate_limit";
  static final long BURST_BYTES = 1024 * 1024;

  private RateLimit() {}

  /** {@code tap_rate_limit($iface, $rate)}: {@code $rate} in MB/s, null for none. */
  static void tapRateLimit(Plan plan, String iface, Double rateMBps, Optional<String> counterDev) {
    Long rate = rateMBps == null ? null : (long) (rateMBps * 1024 * 1024);
    // "these are allowed / expected to fail, e.g. when there is no previous rate limit to remove"
    plan.tc(true, ORIGIN, "class", "del", "dev", iface, "parent", "1:", "classid", "1:1");
    plan.tc(
        true,
        ORIGIN,
        "filter",
        "del",
        "dev",
        iface,
        "parent",
        "ffff:",
        "protocol",
        "all",
        "pref",
        "50",
        "u32");
    plan.tc(true, ORIGIN, "qdisc", "del", "dev", iface, "ingress");
    plan.tc(true, ORIGIN, "qdisc", "del", "dev", iface, "root");
    if (rate == null || rate == 0) {
      return;
    }
    plan.tc(
        false, ORIGIN, "qdisc", "add", "dev", iface, "root", "handle", "1:", "htb", "default", "1");
    plan.tc(
        false,
        ORIGIN,
        "class",
        "add",
        "dev",
        iface,
        "parent",
        "1:",
        "classid",
        "1:1",
        "htb",
        "rate",
        rate + "bps",
        "burst",
        BURST_BYTES + "b");
    plan.tc(false, ORIGIN, "qdisc", "add", "dev", iface, "handle", "ffff:", "ingress");
    String standIn =
        ORIGIN
            + " (stand-in for: basic police rate "
            + rate
            + "bps burst "
            + BURST_BYTES
            + "b mtu 64kb drop)";
    if (counterDev.isPresent()) {
      plan.tc(
          false,
          standIn,
          "filter",
          "add",
          "dev",
          iface,
          "parent",
          "ffff:",
          "prio",
          "50",
          "protocol",
          "all",
          "u32",
          "match",
          "u32",
          "0",
          "0",
          "action",
          "mirred",
          "egress",
          "mirror",
          "dev",
          counterDev.get());
    } else {
      plan.tc(
          false,
          standIn,
          "filter",
          "add",
          "dev",
          iface,
          "parent",
          "ffff:",
          "prio",
          "50",
          "protocol",
          "all",
          "u32",
          "match",
          "u32",
          "0",
          "0",
          "flowid",
          "ffff:1");
    }
  }
}
