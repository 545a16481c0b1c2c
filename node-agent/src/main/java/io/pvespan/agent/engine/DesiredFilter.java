package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.FilterMatch;
import io.pvespan.agent.kernel.MirredMode;
import io.pvespan.agent.kernel.ObservedFilter;
import io.pvespan.agent.kernel.OwnershipCookie;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.model.InterfaceName;

/**
 * One filter the plan needs: on {@code side} of {@code device}, copying (or redirecting) what
 * {@code match} selects into {@code target}. {@code entry} names the plan entry it belongs to.
 * {@code rootHandle} is the root qdisc to hang egress filters on. {@code unguarded}: for a filter
 * into a copy conditioner, its match before the copy guard's sample (null otherwise), so that a
 * filter in the kernel at another guard factor is known as such (see {@link #guardVariant}).
 */
record DesiredFilter(
    EntryKey entry,
    InterfaceName device,
    TcSide side,
    String rootHandle,
    FilterMatch match,
    MirredMode mode,
    InterfaceName target,
    OwnershipCookie cookie,
    FilterMatch unguarded) {

  static DesiredFilter of(
      EntryKey entry,
      InterfaceName device,
      TcSide side,
      String rootHandle,
      FilterMatch match,
      MirredMode mode,
      InterfaceName target) {
    // A mirror filter is known by where it copies to, not by its role in the entry: when a roaming
    // sensor settles, the standby filter into its new node simply becomes the primary one (no
    // write, no gap in the copies) and only the filters to the other nodes go.
    String peer = EntryKey.MIRROR.equals(entry.kind()) ? "to " + target : entry.peer();
    String identity = entry.kind() + "|" + entry.session() + "|" + device + "|" + side + "|" + peer;
    String content = "to=" + target + "|" + mode + "|" + match.describe();
    return new DesiredFilter(
        entry,
        device,
        side,
        rootHandle,
        match,
        mode,
        target,
        OwnershipCookie.of(identity, content),
        null);
  }

  /** This filter, known to be {@code base} under a copy guard factor (1 or more). */
  DesiredFilter guarding(FilterMatch base) {
    return new DesiredFilter(entry, device, side, rootHandle, match, mode, target, cookie, base);
  }

  /**
   * The observed filter is this one at another copy guard factor: the guard changed G (or a
   * restarted agent starts again at 1). Replacing it is the guard's doing, not drift.
   */
  boolean guardVariant(ObservedFilter f) {
    if (unguarded == null
        || !cookie.identity().equals(f.cookie().identity())
        || !target.value().equals(f.toDev())
        || !mode.word().equals(f.mode())
        || (mode == MirredMode.MIRROR && !"continue".equals(f.control()))) {
      return false;
    }
    for (int g = 1; g <= CopyGuardPolicy.MAX; g *= 2) {
      FilterMatch m = ConvergePlanner.guardedOrNot(unguarded, g);
      if (DesiredFilter.of(entry, device, side, rootHandle, m, mode, target)
          .cookie()
          .equals(f.cookie())) {
        return true;
      }
    }
    return false;
  }

  /** The observed filter is exactly this one (adopted as is). */
  boolean sameAs(ObservedFilter f) {
    return cookie.equals(f.cookie())
        && target.value().equals(f.toDev())
        && mode.word().equals(f.mode())
        && (mode != MirredMode.MIRROR || "continue".equals(f.control()));
  }

  String object(int prio) {
    return "filter " + device + " " + side.word() + " prio " + prio;
  }
}
