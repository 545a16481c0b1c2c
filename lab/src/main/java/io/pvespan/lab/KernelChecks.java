package io.pvespan.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Plan against kernel, for the lab: which planned mirrors are in place, what is left over. */
public final class KernelChecks {
  private KernelChecks() {}

  /**
   * The planned mirrors (node/device) whose mirred actions are not all in the kernel yet; empty
   * when every one is in place. A device mirrored by several sessions needs one action per session
   * and hook.
   */
  public static List<String> missing(Lab lab, List<LabPlan.Placed> planned) {
    Map<String, Integer> want = new TreeMap<>();
    for (LabPlan.Placed p : planned) {
      want.merge(p.node() + "/" + p.entry().device().value(), p.hooks(), Integer::sum);
    }
    List<String> missing = new ArrayList<>();
    for (var e : want.entrySet()) {
      String[] nodeDev = e.getKey().split("/");
      int have = KernelView.mirrors(lab.topology().nodeNs(nodeDev[0]), nodeDev[1]).size();
      if (have < e.getValue()) {
        missing.add(e.getKey() + " (" + have + " of " + e.getValue() + " mirred actions)");
      }
    }
    return missing;
  }

  /** Mirred actions and {@code psp*} devices on {@code node}: what pvespan holds there. */
  public static List<String> ours(Lab lab, String node) {
    String ns = lab.topology().nodeNs(node);
    List<String> found = new ArrayList<>();
    KernelView.mirrors(ns).forEach(m -> found.add(m.toString()));
    KernelView.pvespanDevices(ns).forEach(d -> found.add("device " + d));
    return found;
  }

  /** Everything of ours on every node, for "nothing changed" comparisons. */
  public static Map<String, List<String>> snapshot(Lab lab) {
    Map<String, List<String>> all = new TreeMap<>();
    for (LabNode n : lab.topology().nodes()) {
      all.put(n.name(), ours(lab, n.name()));
    }
    return all;
  }
}
