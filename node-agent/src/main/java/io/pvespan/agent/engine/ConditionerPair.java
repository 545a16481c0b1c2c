package io.pvespan.agent.engine;

import io.pvespan.model.InterfaceName;
import io.pvespan.plan.Conditioner;
import io.pvespan.plan.MirrorTarget;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The copy conditioner's veth pair for one session, its targets and its settings on this node:
 * copies enter {@code in} ({@code pspq…}, mirrored there from the guests' devices), come out of its
 * peer {@code out} ({@code pspr…}), are cut to the snaplen at {@code out}'s ingress and sent back
 * out of {@code out}, where a {@code tbf} root holds them to the budget, arrive again at {@code
 * in}'s ingress, are tagged there and leave for the targets. Without a snaplen the budget's tbf
 * sits on {@code in}'s root instead ({@link #shaped()}): a copy over the budget is dropped before
 * it crosses the pair, which costs the node less CPU, and there is nothing to cut first. The name
 * is a hash of everything the pair does, so a pair in the kernel with the planned name is the
 * planned pair; a change of any setting is a new pair (and the old one goes).
 */
record ConditionerPair(
    InterfaceName in,
    InterfaceName out,
    String session,
    Conditioner settings,
    MirrorTarget target,
    List<MirrorTarget> standbys) {
  /**
   * Copies enter here (tc mirred from the guests' devices); the vlan program runs on its ingress.
   */
  static final String IN_PREFIX = "pspq";

  /** The peer: snaplen program on its ingress, the budget's tbf on its root. */
  static final String OUT_PREFIX = "pspr";

  static ConditionerPair of(
      String session, Conditioner settings, MirrorTarget target, List<MirrorTarget> standbys) {
    String identity =
        session
            + "|"
            + settings.snaplen()
            + "|"
            + settings.budget()
            + "|"
            + settings.vlan()
            + "|"
            + target
            + "|"
            + standbys;
    String hex = hash(identity);
    return new ConditionerPair(
        InterfaceName.of(IN_PREFIX + hex),
        InterfaceName.of(OUT_PREFIX + hex),
        session,
        settings,
        target,
        List.copyOf(standbys));
  }

  /**
   * The end whose root holds the budget's tbf: {@code out} when copies are cut (the budget counts
   * what the sensor receives), else {@code in} (copies over the budget go before the veth hop).
   */
  InterfaceName shaped() {
    return settings.snaplen() == null ? in : out;
  }

  /** Whether {@code name} is one of ours (either end of some conditioner pair). */
  static boolean ours(InterfaceName name) {
    String v = name.value();
    return v.matches("psp[qr][0-9a-f]{8}");
  }

  /** The pair's {@code in} end for either end's name. */
  static InterfaceName inEnd(InterfaceName either) {
    return InterfaceName.of(IN_PREFIX + either.value().substring(IN_PREFIX.length()));
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
