package io.pvespan.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.plan.TunnelDevice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a lab node's kernel holds, read back with {@code ip -j} and {@code tc -j}: its links, and
 * every tc filter with a {@code mirred} action on every device (ingress, root qdisc and clsact
 * egress filters). Nothing else in the lab uses mirred, so these are exactly the mirrors the agents
 * made; this is how tests and the demo see the mirror follow a VM, independent of any API.
 */
public final class KernelView {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KernelView() {}

  /** A mirred action on {@code device}, at {@code hook} (ingress|egress|root), to {@code toDev}. */
  public record Mirred(String device, String hook, int pref, String action, String toDev) {
    @Override
    public String toString() {
      return device + " " + hook + " pref " + pref + " " + action + " -> " + toDev;
    }
  }

  /** The link names in namespace {@code ns}. */
  public static List<String> links(String ns) {
    List<String> names = new ArrayList<>();
    for (JsonNode link : json(Exec.run(Exec.IP, "-n", ns, "-j", "link", "show"))) {
      names.add(link.path("ifname").asText());
    }
    return names;
  }

  /** Links whose names carry pvespan's reserved prefix. */
  public static List<String> pvespanDevices(String ns) {
    return links(ns).stream().filter(n -> n.startsWith(TunnelDevice.NAME_PREFIX)).toList();
  }

  /** Every mirred action in namespace {@code ns}. */
  public static List<Mirred> mirrors(String ns) {
    List<Mirred> all = new ArrayList<>();
    for (String dev : links(ns)) {
      all.addAll(mirrors(ns, dev));
    }
    return all;
  }

  /**
   * The mirred actions on one device (none when the device is absent): filters of its ingress (or
   * clsact ingress) qdisc, of its root qdisc, and of clsact egress when it has a clsact qdisc.
   * ({@code tc filter show ... egress} without a clsact qdisc lists the ingress qdisc's filters
   * again, so it is asked only when clsact is there.)
   */
  public static List<Mirred> mirrors(String ns, String device) {
    Exec.Result qdiscs =
        Exec.attempt(
            Exec.DEFAULT_TIMEOUT, List.of(Exec.TC, "-n", ns, "-j", "qdisc", "show", "dev", device));
    if (qdiscs.exitCode() != 0) {
      return List.of(); // device gone
    }
    boolean clsact = false;
    for (JsonNode q : json(qdiscs.stdout())) {
      clsact |= "clsact".equals(q.path("kind").asText());
    }
    List<String> hooks = clsact ? List.of("ingress", "egress", "root") : List.of("ingress", "root");
    List<Mirred> found = new ArrayList<>();
    for (String hook : hooks) {
      List<String> argv = new ArrayList<>(List.of(Exec.TC, "-n", ns, "-j", "filter", "show"));
      argv.addAll(List.of("dev", device));
      if (!hook.equals("root")) {
        argv.add(hook);
      }
      Exec.Result r = Exec.attempt(Exec.DEFAULT_TIMEOUT, argv);
      if (r.exitCode() != 0 || r.stdout().isBlank()) {
        continue; // device gone meanwhile, or no qdisc at that hook
      }
      found.addAll(parseFilters(r.stdout(), device, hook));
    }
    return found;
  }

  /** The mirred actions in {@code tc -j filter show} output. */
  static List<Mirred> parseFilters(String tcJson, String device, String hook) {
    List<Mirred> found = new ArrayList<>();
    for (JsonNode filter : json(tcJson)) {
      for (JsonNode action : filter.path("options").path("actions")) {
        if ("mirred".equals(action.path("kind").asText())) {
          found.add(
              new Mirred(
                  device,
                  hook,
                  filter.path("pref").asInt(),
                  action.path("mirred_action").asText(),
                  action.path("to_dev").asText()));
        }
      }
    }
    return found;
  }

  private static JsonNode json(String text) {
    try {
      return text.isBlank() ? JSON.createArrayNode() : JSON.readTree(text);
    } catch (IOException e) {
      throw new LabException("unreadable ip/tc JSON: " + e.getMessage(), e);
    }
  }
}
