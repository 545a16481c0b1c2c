package io.pvespan.controller.cli;

import io.pvespan.plan.Delivery;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan for people: per node a table {@code session | source (vmid nic interface, direction,
 * state) → target}, then its tunnels and deliveries; the warnings last. Not a format to parse: use
 * {@code --output json}.
 */
final class PlanText {
  static final String ARROW = "→";

  /** How the planner's sensor group notes begin (the others are each packet once per sensor). */
  static final String GROUP_NOTE = "sensor group ";

  private PlanText() {}

  /**
   * What narrows an entry's copies: its filter rules, sample, sensor group share and conditioner
   * ("" when it copies all, whole).
   */
  static String narrowing(MirrorEntry e) {
    List<String> parts = new ArrayList<>();
    if (!e.filter().isEmpty()) {
      parts.add("filter: " + e.filter().size() + (e.filter().size() == 1 ? " rule" : " rules"));
    }
    if (e.sample() != null) {
      parts.add("sample " + e.sample());
    }
    if (e.share() != null) {
      parts.add("group share " + e.share());
    }
    if (e.conditioner() != null) {
      parts.add(e.conditioner().toString());
    }
    return parts.isEmpty() ? "" : "  (" + String.join(", ", parts) + ")";
  }

  static String render(PlanResult result) {
    StringBuilder out = new StringBuilder();
    for (NodeMirrorPlan plan : result.plans()) {
      out.append("node ")
          .append(plan.node())
          .append("  generation ")
          .append(plan.generation())
          .append("  ")
          .append(plan.digest())
          .append('\n');
      if (plan.mirrors().isEmpty() && plan.tunnels().isEmpty() && plan.deliveries().isEmpty()) {
        out.append("  nothing to mirror (the agent removes whatever pvespan left here)\n\n");
        continue;
      }
      mirrors(out, plan.mirrors());
      if (!plan.tunnels().isEmpty()) {
        out.append("  tunnels:\n");
        for (TunnelDevice t : plan.tunnels()) {
          out.append("    ").append(tunnel(t)).append('\n');
        }
      }
      if (!plan.deliveries().isEmpty()) {
        out.append("  deliveries:\n");
        for (Delivery d : plan.deliveries()) {
          out.append("    ")
              .append(d.from())
              .append(' ')
              .append(ARROW)
              .append(' ')
              .append(d.device())
              .append("  (")
              .append(d.session())
              .append(", ")
              .append(d.state().json())
              .append(")\n");
        }
      }
      out.append('\n');
    }
    if (result.warnings().isEmpty()) {
      out.append("no warnings\n");
    } else {
      out.append("warnings:\n");
      for (String w : result.warnings()) {
        out.append("  - ").append(w).append('\n');
      }
    }
    List<String> groups = result.notes().stream().filter(n -> n.startsWith(GROUP_NOTE)).toList();
    List<String> once = result.notes().stream().filter(n -> !n.startsWith(GROUP_NOTE)).toList();
    if (!once.isEmpty()) {
      out.append("each packet once per sensor (duplicates: suppress):\n");
      for (String n : once) {
        out.append("  - ").append(n).append('\n');
      }
    }
    if (!groups.isEmpty()) {
      out.append("sensor groups (each flow, both directions, to one live member):\n");
      for (String n : groups) {
        out.append("  - ").append(n).append('\n');
      }
    }
    return out.toString();
  }

  private static void mirrors(StringBuilder out, List<MirrorEntry> mirrors) {
    if (mirrors.isEmpty()) {
      out.append("  no mirrors\n");
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {"SESSION", "SOURCE (vmid nic interface, direction, state)", "", "TARGET"});
    for (MirrorEntry e : mirrors) {
      rows.add(
          new String[] {
            e.session(),
            e.vmid()
                + " "
                + e.nic()
                + " "
                + e.device()
                + ", "
                + e.direction().json()
                + ", "
                + e.state().json(),
            ARROW,
            target(e.target()) + narrowing(e)
          });
    }
    int[] width = new int[4];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : pad(row[i], width[i])).append(i < 3 ? "  " : "");
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }

  static String target(MirrorTarget target) {
    if (target instanceof LocalTarget local) {
      return "local " + local.device();
    }
    TunnelTarget t = (TunnelTarget) target;
    return t.type() + " " + t.device() + " to " + t.remote() + " " + id(t.vni(), t.key());
  }

  static String tunnel(TunnelDevice t) {
    StringBuilder s =
        new StringBuilder()
            .append(t.device())
            .append(' ')
            .append(t.type())
            .append(' ')
            .append(t.role().json())
            .append(" local ")
            .append(t.local());
    if (t.remote() != null) {
      s.append(" remote ").append(t.remote());
    }
    s.append(' ').append(id(t.vni(), t.key()));
    if (t.dstPort() != null) {
      s.append(" port ").append(t.dstPort());
    }
    return s.append(" mtu ").append(t.mtu()).toString();
  }

  private static String id(Object vni, Long key) {
    return vni != null ? "vni " + vni : "key " + key;
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }
}
