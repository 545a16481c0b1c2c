package io.pvespan.agent.engine;

import io.pvespan.model.InterfaceName;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanDigest;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelRole;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.FilterRule;
import io.pvespan.spec.SpecApi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a parsed plan completely before anything touches the kernel: the value types already
 * refused bad names; this adds what needs the whole plan and this agent: kind and apiVersion, the
 * node, the digest, session names, IP literals for tunnel endpoints and filter CIDRs, every
 * referenced tunnel present with the right role, no duplicates, no mirror into itself; and what a
 * plan may touch on a production hypervisor: mirror sources, local targets and delivery targets are
 * guest devices ({@code tap<vmid>i<n>}, {@code veth<vmid>i<n>}) only, never {@code eth0}, {@code
 * lo}, a bridge or a firewall device. Pure; one line per problem.
 */
public final class PlanValidator {
  /**
   * Copy conditioners (veth pairs: one per session, target and settings) a plan may need on one
   * node: each is two devices and a tc program; a plan asking for thousands would flood the
   * kernel's device lock and udev, which Proxmox's own commands wait for.
   */
  static final int MAX_CONDITIONER_PAIRS = 256;

  private static final Pattern SESSION = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private PlanValidator() {}

  /**
   * Every problem of {@code plan} for the agent of {@code node} whose underlay is {@code underlay};
   * empty when it may be applied.
   */
  public static List<String> problems(NodeMirrorPlan plan, String node, Underlay underlay) {
    List<String> out = new ArrayList<>();
    if (!NodeMirrorPlan.KIND.equals(plan.kind())) {
      out.add("kind '" + plan.kind() + "' is not " + NodeMirrorPlan.KIND);
    }
    if (!SpecApi.VERSION.equals(plan.apiVersion())) {
      out.add("apiVersion '" + plan.apiVersion() + "' is not " + SpecApi.VERSION);
    }
    if (!node.equals(plan.node())) {
      out.add("plan is for node '" + plan.node() + "', this agent is node '" + node + "'");
    }
    if (!PlanDigest.verify(plan)) {
      out.add(
          "digest '"
              + plan.digest()
              + "' does not match the content ("
              + PlanDigest.of(plan)
              + ")");
    }
    Map<InterfaceName, TunnelDevice> tunnels = tunnels(plan, out);
    underlay(plan, underlay, out);
    mirrors(plan, tunnels, out);
    deliveries(plan, tunnels, out);
    return List.copyOf(out);
  }

  /** Every tunnel endpoint, local and remote, lies in the node's configured underlay. */
  private static void underlay(NodeMirrorPlan plan, Underlay underlay, List<String> out) {
    for (TunnelDevice t : plan.tunnels()) {
      for (String end : new String[] {t.local(), t.remote()}) {
        if (end != null && IpLiteral.valid(end)) {
          underlay.refuses(end).ifPresent(why -> out.add("tunnel " + t.device() + ": " + why));
        }
      }
    }
  }

  private static Map<InterfaceName, TunnelDevice> tunnels(NodeMirrorPlan plan, List<String> out) {
    Map<InterfaceName, TunnelDevice> byName = new HashMap<>();
    for (TunnelDevice t : plan.tunnels()) {
      if (byName.put(t.device(), t) != null) {
        out.add("tunnel " + t.device() + " is listed twice");
      }
      if (t.local() != null && !IpLiteral.valid(t.local())) {
        out.add("tunnel " + t.device() + " local '" + t.local() + "' is not an IP address");
      }
      if (t.remote() != null && !IpLiteral.valid(t.remote())) {
        out.add("tunnel " + t.device() + " remote '" + t.remote() + "' is not an IP address");
      }
      if (t.dstPort() != null && (t.dstPort() < 1 || t.dstPort() > 65535)) {
        out.add("tunnel " + t.device() + " dstPort " + t.dstPort() + " is outside 1..65535");
      }
      if (ConditionerPair.ours(t.device())) {
        out.add(
            "tunnel "
                + t.device()
                + ": psp[qr] + 8 hex digits names the agent's copy conditioners, not a tunnel");
      }
    }
    return byName;
  }

  /**
   * A sensor group's entries for one device, session and direction all carry a share with the same
   * count (0 for none: an entry without a share cannot sit beside shared ones), and its member is a
   * name (it is only reported, never given to the kernel).
   */
  private static void shares(
      String what, String key, MirrorEntry m, Map<String, Integer> counts, List<String> out) {
    int count = m.share() == null ? 0 : m.share().count();
    Integer before = counts.putIfAbsent(key, count);
    if (before != null && before != count) {
      out.add(
          what
              + " "
              + m.direction().json()
              + ": its entries disagree on the group share count ("
              + before
              + " and "
              + count
              + ")");
    }
    if (m.share() != null && !SESSION.matcher(m.share().member()).matches()) {
      out.add(what + ": share member '" + m.share().member() + "' is not a sensor name");
    }
  }

  private static void mirrors(
      NodeMirrorPlan plan, Map<InterfaceName, TunnelDevice> tunnels, List<String> out) {
    Set<String> seen = new HashSet<>();
    Map<String, Integer> shareCounts = new HashMap<>();
    Set<InterfaceName> pairs = new HashSet<>();
    for (MirrorEntry m : plan.mirrors()) {
      if (m.conditioner() != null
          && pairs.add(
              ConditionerPair.of(m.session(), m.conditioner(), m.target(), m.standbyTargets()).in())
          && pairs.size() == MAX_CONDITIONER_PAIRS + 1) {
        out.add(
            "the plan needs more than "
                + MAX_CONDITIONER_PAIRS
                + " copy conditioners (veth pairs) on this node");
      }
      String what = "mirror " + m.session() + " " + m.device();
      session(m.session(), what, out);
      String key = m.device() + " " + m.session() + " " + m.direction().json();
      if (!seen.add(key + (m.share() == null ? "" : " share " + m.share().index()))) {
        out.add(what + " " + m.direction().json() + " is listed twice");
      }
      shares(what, key, m, shareCounts, out);
      if (m.device().value().startsWith(TunnelDevice.NAME_PREFIX)) {
        out.add(what + ": a pvespan device cannot be a mirror source");
      } else if (!GuestDevices.isGuestDevice(m.device())) {
        out.add(what + ": only a guest device (tap<vmid>i<n>, veth<vmid>i<n>) may be mirrored");
      }
      if (tunnels.containsKey(m.device())) {
        out.add(what + ": the source is also a planned tunnel device");
      }
      for (FilterRule rule : m.filter()) {
        for (String c : cidrs(rule)) {
          if (!cidr(c)) {
            out.add(what + ": filter cidr '" + c + "' is not an IP address or prefix");
          }
        }
      }
      for (io.pvespan.plan.Exclusion e : m.exclusions()) {
        for (FilterRule rule : e.filter()) {
          if (rule.cidr() != null && !cidr(rule.cidr())) {
            out.add(
                what
                    + ": exclusion filter cidr '"
                    + rule.cidr()
                    + "' is not an IP address or prefix");
          }
        }
      }
      conditioner(what, m.conditioner(), out);
      target(what, m, m.target(), tunnels, out);
      Set<MirrorTarget> distinct = new HashSet<>();
      for (MirrorTarget standby : m.standbyTargets()) {
        if (!distinct.add(standby)) {
          out.add(what + " lists standby target " + standby + " twice");
        }
        target(what + " standby", m, standby, tunnels, out);
      }
    }
  }

  /**
   * A conditioner's bounds (the record checks them when a plan is read; checked again here for a
   * plan built in code), and a budget whose tbf the kernel can hold.
   */
  private static void conditioner(String what, io.pvespan.plan.Conditioner c, List<String> out) {
    if (c == null) {
      return;
    }
    if (c.snaplen() != null
        && (c.snaplen() < io.pvespan.plan.Conditioner.MIN_SNAPLEN
            || c.snaplen() > io.pvespan.plan.Conditioner.MAX_SNAPLEN)) {
      out.add(what + ": snaplen " + c.snaplen() + " is outside 64..65535");
    }
    if (c.vlan() != null && (c.vlan() < 1 || c.vlan() > 4094)) {
      out.add(what + ": vlan " + c.vlan() + " is outside 1..4094");
    }
    if (c.budget() != null
        && (c.budget().bitsPerSecond() < io.pvespan.model.Bandwidth.MIN
            || c.budget().bitsPerSecond() > io.pvespan.model.Bandwidth.MAX)) {
      out.add(
          what + ": budget " + c.budget().bitsPerSecond() + " bit/s is outside 64kbit..100Gbit");
    }
  }

  private static void target(
      String what,
      MirrorEntry m,
      MirrorTarget target,
      Map<InterfaceName, TunnelDevice> tunnels,
      List<String> out) {
    if (target instanceof LocalTarget local) {
      if (local.device().equals(m.device())) {
        out.add(what + " mirrors into itself");
      } else if (!GuestDevices.isGuestDevice(local.device())) {
        out.add(what + " target " + local.device() + " is not a guest device (a sensor's NIC)");
      }
    }
    if (target instanceof TunnelTarget tt) {
      if (!IpLiteral.valid(tt.remote())) {
        out.add(what + " target remote '" + tt.remote() + "' is not an IP address");
      }
      TunnelDevice t = tunnels.get(tt.device());
      if (t == null) {
        out.add(what + " targets tunnel " + tt.device() + ", which is not in tunnels");
      } else if (t.role() != TunnelRole.SEND) {
        out.add(what + " targets tunnel " + tt.device() + ", which is not a send tunnel");
      }
    }
  }

  private static void deliveries(
      NodeMirrorPlan plan, Map<InterfaceName, TunnelDevice> tunnels, List<String> out) {
    Set<String> seen = new HashSet<>();
    for (Delivery d : plan.deliveries()) {
      String what = "delivery " + d.session() + " " + d.from() + " -> " + d.device();
      session(d.session(), what, out);
      if (!seen.add(d.from() + " " + d.device() + " " + d.session())) {
        out.add(what + " is listed twice");
      }
      TunnelDevice t = tunnels.get(d.from());
      if (t == null) {
        out.add(what + ": tunnel " + d.from() + " is not in tunnels");
      } else if (t.role() != TunnelRole.RECEIVE) {
        out.add(what + ": tunnel " + d.from() + " is not a receive tunnel");
      }
      if (tunnels.containsKey(d.device())) {
        out.add(what + ": the sensor device is a planned tunnel device");
      } else if (!GuestDevices.isGuestDevice(d.device())) {
        out.add(what + ": the sensor device is not a guest device (tap<vmid>i<n>, veth<vmid>i<n>)");
      }
    }
  }

  /** An IP literal, optionally with {@code /N} within its family's length (as the kernel reads). */
  private static List<String> cidrs(FilterRule rule) {
    List<String> out = new ArrayList<>();
    if (rule.cidr() != null) {
      out.add(rule.cidr());
    }
    if (rule.source() != null && rule.source().cidr() != null) {
      out.add(rule.source().cidr());
    }
    if (rule.destination() != null && rule.destination().cidr() != null) {
      out.add(rule.destination().cidr());
    }
    return out;
  }

  private static boolean cidr(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    if (!IpLiteral.valid(address)) {
      return false;
    }
    String length = slash < 0 ? "0" : text.substring(slash + 1);
    return length.matches("[0-9]{1,3}")
        && Integer.parseInt(length) <= (address.contains(":") ? 128 : 32);
  }

  private static void session(String session, String what, List<String> out) {
    if (!SESSION.matcher(session).matches()) {
      out.add(what + ": session '" + session + "' is not a valid name (a-z 0-9 -, up to 63)");
    }
  }
}
