package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.Exclusion;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.spec.FilterRule;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Each packet once per sensor, cluster-wide: finds every way one packet could reach a sensor twice
 * and picks one capture point, expressed as {@link Exclusion}s on the other points' plan entries.
 *
 * <p>A packet between two guests is seen at the sender's tap (what that VM sends) and at the
 * receiver's tap (what that VM receives), whichever nodes they run on; two sessions may also copy
 * the same tap and side to the same sensor. The rules, for the sessions feeding one sensor ({@code
 * sensorRef}):
 *
 * <ol>
 *   <li><b>the sender's side wins</b>: where a guest's received traffic is copied, frames whose
 *       Ethernet source is the MAC of a guest NIC whose sent traffic is copied to the same sensor
 *       are not copied again, for what that sender's session filter takes (the rest of the sender's
 *       frames still come from here);
 *   <li><b>on one tap and side, the session of lower {@code priority} wins</b> (then the name): the
 *       others do not copy what it takes; a side it takes whole is dropped from theirs, and an
 *       entry left with no side is not planned.
 * </ol>
 *
 * A session with {@code duplicates: allow} keeps its entries as they are (it still counts as a
 * capture point for the others). A session that samples ({@code sample: 1/N}) delivers a random
 * share only, so it never counts as the capture point that takes a packet; only the rules that
 * apply to a side (each rule has its own direction) count for it. What cannot be suppressed is a
 * warning: a sender NIC without a MAC in its config, or more senders than one filter may list
 * ({@link #MAX_SENDERS}). Frames that are routed between the two guests carry the router's MAC at
 * the receiver and are not recognised: they reach the sensor from both ends (see docs).
 *
 * <p>Location does not matter (MACs and devices travel with the guest), so a migration changes
 * nothing here: {@link IncrementalPlanner} re-uses the previous value while the sessions' captures
 * are the same. An immutable value; equal inputs give equal values.
 */
final class OncePerSensor {
  /** Senders one receiving side may exclude, per sensor: past this, duplicates are warned about. */
  static final int MAX_SENDERS = 256;

  /** One session copying one guest NIC to its sensor, wherever the guest runs. */
  record Capture(
      String sensor,
      String session,
      InterfaceName device,
      VmId vmid,
      NicId nic,
      Direction direction,
      String mac,
      List<FilterRule> filter,
      io.pvespan.model.Sample sample) {
    /**
     * Whether this capture copies every packet of {@code side} its rules for that side take: not
     * when it samples (it delivers a random share only), nor when it has rules but none for it.
     */
    boolean takes(Direction side) {
      boolean mirrored =
          side == Direction.EGRESS ? direction.includesVmEgress() : direction.includesVmIngress();
      return mirrored && sample == null && (filter.isEmpty() || !rulesFor(side).isEmpty());
    }

    /** Its rules that apply to {@code side} (each rule has its own direction). */
    List<FilterRule> rulesFor(Direction side) {
      if (filter.isEmpty()) {
        return filter;
      }
      return filter.stream()
          .filter(
              r ->
                  side == Direction.EGRESS
                      ? r.appliesTo().includesVmEgress()
                      : r.appliesTo().includesVmIngress())
          .toList();
    }
  }

  /** Senders named in notes, one per guest NIC: by vmid, then NIC. */
  private static final Comparator<Capture> SENDER_ORDER =
      Comparator.comparingInt((Capture c) -> c.vmid().value())
          .thenComparingInt(c -> c.nic().index());

  /** What happens to one session's entry for one device: a new direction and its exclusions. */
  private record Change(Direction direction, List<Exclusion> exclusions) {}

  private record Key(String session, InterfaceName device) {}

  private final Map<Key, Change> changes;
  private final Map<MirrorEntry, MirrorEntry> applied = new java.util.IdentityHashMap<>();
  private final List<String> notes;
  private final List<String> warnings;

  private OncePerSensor(Map<Key, Change> changes, List<String> notes, List<String> warnings) {
    this.changes = changes;
    this.notes = notes;
    this.warnings = warnings;
  }

  /** The captures of one session's outcome (any node; a roaming guest's standby entries once). */
  static Set<Capture> captures(MirrorSession session, SessionOutcome outcome) {
    Set<Capture> out = new LinkedHashSet<>();
    if (outcome == null) {
      return out;
    }
    List<Guest> selected = outcome.selected() == null ? List.of() : outcome.selected();
    for (String node : new TreeSet<>(outcome.parts().keySet())) {
      for (MirrorEntry e : outcome.parts().get(node).mirrors()) {
        Guest g = guest(selected, e.vmid());
        GuestNic nic = g == null ? null : g.nic(e.nic());
        out.add(
            new Capture(
                session.spec().sensorRef(),
                session.name(),
                e.device(),
                e.vmid(),
                e.nic(),
                e.direction(),
                nic == null ? null : mac(nic.mac()),
                e.filter(),
                e.sample()));
      }
    }
    return out;
  }

  /** {@code vmid} among {@code sorted} (by vmid), or null. */
  private static Guest guest(List<Guest> sorted, VmId vmid) {
    int lo = 0;
    int hi = sorted.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Integer.compare(sorted.get(mid).vmid().value(), vmid.value());
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return sorted.get(mid);
      }
    }
    return null;
  }

  /** A config's MAC as exclusions write it (lower case), or null when it is none. */
  static String mac(String mac) {
    if (mac == null || mac.length() != 17) {
      return null;
    }
    char[] c = new char[17];
    for (int i = 0; i < 17; i++) {
      char x = mac.charAt(i);
      if (i % 3 == 2) {
        if (x != ':') {
          return null;
        }
      } else if (x >= 'A' && x <= 'F') {
        x = (char) (x + ('a' - 'A'));
      } else if (!(x >= '0' && x <= '9') && !(x >= 'a' && x <= 'f')) {
        return null;
      }
      c[i] = x;
    }
    return new String(c);
  }

  /** Computes the changes for {@code sessions} (sorted by name) and their outcomes. */
  static OncePerSensor of(List<MirrorSession> sessions, List<SessionOutcome> outcomes) {
    Map<String, MirrorSessionSpec> specs = new HashMap<>();
    Map<String, List<Capture>> bySensor = new TreeMap<>();
    for (int i = 0; i < sessions.size(); i++) {
      MirrorSession s = sessions.get(i);
      specs.put(s.name(), s.spec());
      for (Capture c : captures(s, outcomes.get(i))) {
        bySensor.computeIfAbsent(c.sensor(), k -> new ArrayList<>()).add(c);
      }
    }
    Map<Key, Change> changes = new HashMap<>();
    List<String> notes = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Comparator<String> order =
        Comparator.comparing(
                (String n) -> {
                  Integer p = specs.get(n).priority();
                  return p == null ? Integer.MAX_VALUE : p;
                })
            .thenComparing(n -> n);
    for (Map.Entry<String, List<Capture>> e : bySensor.entrySet()) {
      new Sensor(e.getKey(), e.getValue(), specs, order, changes, notes, warnings).run();
    }
    return new OncePerSensor(
        changes,
        notes.stream().sorted().distinct().toList(),
        warnings.stream().sorted().distinct().toList());
  }

  /** The captures feeding one sensor, and what each suppressing entry must leave out. */
  private static final class Sensor {
    private final String sensor;
    private final List<Capture> captures;
    private final Map<String, MirrorSessionSpec> specs;
    private final Comparator<String> order;
    private final Map<Key, Change> changes;
    private final List<String> notes;
    private final List<String> warnings;

    Sensor(
        String sensor,
        List<Capture> captures,
        Map<String, MirrorSessionSpec> specs,
        Comparator<String> order,
        Map<Key, Change> changes,
        List<String> notes,
        List<String> warnings) {
      this.sensor = sensor;
      this.captures = captures;
      this.specs = specs;
      this.order = order;
      this.changes = changes;
      this.notes = notes;
      this.warnings = warnings;
    }

    void run() {
      // Senders: the guests whose sent traffic reaches this sensor, by their session's filter.
      Map<InterfaceName, List<Capture>> byDevice = new HashMap<>();
      List<Capture> senders = new ArrayList<>();
      boolean anyReceiver = false;
      for (Capture c : captures) {
        byDevice.computeIfAbsent(c.device(), k -> new ArrayList<>()).add(c);
        if (c.takes(Direction.EGRESS)) {
          senders.add(c);
        }
        anyReceiver |= receives(c) && suppresses(c);
      }
      Map<List<FilterRule>, Set<String>> macsByFilter = new LinkedHashMap<>();
      Set<Capture> named = new TreeSet<>(SENDER_ORDER);
      Set<Capture> noMac = new TreeSet<>(SENDER_ORDER);
      for (Capture c : senders) {
        if (c.mac() != null) {
          macsByFilter
              .computeIfAbsent(c.rulesFor(Direction.EGRESS), k -> new TreeSet<>())
              .add(c.mac());
          named.add(c);
        } else {
          noMac.add(c);
        }
      }
      if (!noMac.isEmpty() && anyReceiver) {
        warnings.add(
            "sensor "
                + sensor
                + ": "
                + list(noMac)
                + (noMac.size() == 1 ? " has" : " have")
                + " no MAC in the config: what "
                + (noMac.size() == 1 ? "it sends" : "they send")
                + " to other guests this sensor watches may reach it twice");
      }
      long macs = macsByFilter.values().stream().flatMap(Set::stream).distinct().count();
      SenderExclusions byMac = null;
      if (macs > MAX_SENDERS) {
        if (anyReceiver) {
          warnings.add(
              "sensor "
                  + sensor
                  + ": "
                  + macs
                  + " guest MACs send to it, more than the "
                  + MAX_SENDERS
                  + " one receiving side may leave out: traffic between them reaches it twice");
        }
      } else if (!macsByFilter.isEmpty() && anyReceiver) {
        byMac = new SenderExclusions(macsByFilter);
        notes.add(
            "sensor "
                + sensor
                + ": what "
                + list(named)
                + " send"
                + (named.size() == 1 ? "s" : "")
                + " is copied at the sender; where the receiving guest is watched too, it is not"
                + " copied again there");
      }
      for (List<Capture> onDevice : byDevice.values()) {
        onDevice.sort((a, b) -> order.compare(a.session(), b.session()));
        for (int i = 0; i < onDevice.size(); i++) {
          Capture c = onDevice.get(i);
          if (suppresses(c)) {
            entry(c, onDevice.subList(0, i), byMac);
          }
        }
      }
    }

    /** The first twelve senders by name, and how many more. */
    private static String list(Set<Capture> senders) {
      List<String> first = new ArrayList<>();
      for (Capture c : senders) {
        if (first.size() == 12) {
          break;
        }
        first.add("vm " + c.vmid() + " " + c.nic());
      }
      String more = senders.size() > 12 ? " and " + (senders.size() - 12) + " more" : "";
      return String.join(", ", first) + more;
    }

    private static boolean receives(Capture c) {
      return c.direction().includesVmIngress();
    }

    private boolean suppresses(Capture c) {
      return specs.get(c.session()).duplicates() == MirrorSessionSpec.Duplicates.SUPPRESS;
    }

    /**
     * One suppressing entry: {@code before} copy the same device first; {@code senders} what the
     * senders' captures take (null: nothing to leave out, or too many to list).
     */
    private void entry(Capture c, List<Capture> before, SenderExclusions senders) {
      List<Exclusion> exclusions = new ArrayList<>();
      List<Direction> sides = new ArrayList<>();
      for (Direction side : List.of(Direction.EGRESS, Direction.INGRESS)) {
        if (!(side == Direction.EGRESS
            ? c.direction().includesVmEgress()
            : c.direction().includesVmIngress())) {
          continue;
        }
        String what = side == Direction.EGRESS ? "sends" : "receives";
        Capture whole = null;
        Set<List<FilterRule>> taken = new LinkedHashSet<>();
        List<String> by = new ArrayList<>();
        for (Capture h : before) {
          if (h.takes(side)) {
            by.add(h.session());
            if (h.filter().isEmpty()) {
              whole = h;
            }
            taken.add(h.rulesFor(side));
          }
        }
        if (whole != null) {
          notes.add(
              head(c)
                  + ", what it "
                  + what
                  + ": not copied; session "
                  + whole.session()
                  + " copies all of it to "
                  + sensor);
          continue;
        }
        sides.add(side);
        for (List<FilterRule> f : taken) {
          exclusions.add(new Exclusion(side, List.of(), f));
        }
        if (!taken.isEmpty()) {
          notes.add(
              head(c)
                  + ", what it "
                  + what
                  + ": what session"
                  + (by.size() > 1 ? "s " : " ")
                  + String.join(", ", by)
                  + " copies there to "
                  + sensor
                  + " is not copied again");
        }
        if (side == Direction.INGRESS && senders != null) {
          List<Exclusion> others = senders.forReceiver(c.mac());
          if (!others.isEmpty()) {
            exclusions.addAll(others);
            notes.add(
                head(c)
                    + ", what it receives: frames from the other guests whose sent traffic reaches "
                    + sensor
                    + " are copied at their sender, not again here");
          }
        }
      }
      Direction direction =
          sides.isEmpty() ? null : sides.size() == 2 ? Direction.BOTH : sides.get(0);
      if (direction == null) {
        notes.add(head(c) + ": not planned, every copy it would make comes from elsewhere");
      }
      if (direction != c.direction() || !exclusions.isEmpty()) {
        changes.put(new Key(c.session(), c.device()), new Change(direction, exclusions));
      }
    }

    private static String head(Capture c) {
      return "session "
          + c.session()
          + ": vm "
          + c.vmid()
          + " "
          + c.nic()
          + " ("
          + c.device()
          + ")";
    }
  }

  /**
   * The exclusions a receiving side of one sensor gets: every sender MAC by its session's filter,
   * less the receiver's own MAC; computed once per own MAC (many receivers share one list).
   */
  private static final class SenderExclusions {
    private final Map<List<FilterRule>, Set<String>> macsByFilter;
    private final Map<String, List<Exclusion>> byOwnMac = new HashMap<>();

    SenderExclusions(Map<List<FilterRule>, Set<String>> macsByFilter) {
      this.macsByFilter = macsByFilter;
    }

    List<Exclusion> forReceiver(String ownMac) {
      return byOwnMac.computeIfAbsent(
          ownMac == null ? "" : ownMac,
          own -> {
            List<Exclusion> out = new ArrayList<>();
            macsByFilter.forEach(
                (filter, macs) -> {
                  List<String> others = new ArrayList<>(macs.size());
                  for (String m : macs) {
                    if (!m.equals(own)) {
                      others.add(m);
                    }
                  }
                  if (!others.isEmpty()) {
                    out.add(new Exclusion(Direction.INGRESS, others, filter));
                  }
                });
            return List.copyOf(out);
          });
    }
  }

  /**
   * {@code e} (of {@code session}) as this plan wants it: with its exclusions and possibly fewer
   * sides, or null when nothing is left of it.
   */
  MirrorEntry apply(String session, MirrorEntry e) {
    Change c = changes.get(new Key(session, e.device()));
    if (c == null) {
      return e;
    }
    if (c.direction() == null) {
      return null;
    }
    // A re-plan assembles the same entry objects again (sessions it did not redo): the same answer
    // object each time keeps plan comparison and memory cheap. Cache only: the value stays a
    // function of its inputs.
    synchronized (applied) {
      return applied.computeIfAbsent(e, x -> x.deduplicated(c.direction(), c.exclusions()));
    }
  }

  /** The explanation of every suppression, one line each. */
  List<String> notes() {
    return notes;
  }

  /** What cannot be suppressed, one line each. */
  List<String> warnings() {
    return warnings;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OncePerSensor other
        && changes.equals(other.changes)
        && notes.equals(other.notes)
        && warnings.equals(other.warnings);
  }

  @Override
  public int hashCode() {
    return changes.hashCode();
  }
}
