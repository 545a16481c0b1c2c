package io.pvespan.plan;

/**
 * A sensor group member's share of a mirror entry's frames (see {@code docs/sensor-groups.md}): the
 * entry copies a frame only when the frame's symmetric flow hash modulo {@code count} is {@code
 * index}. The planner writes one entry per live member of the group, indexes 0..count-1, so every
 * frame the session selects goes to exactly one member, and both directions of a flow to the same
 * one. {@code member} names the member's Sensor (for the report and {@code plan}).
 */
public record Share(int index, int count, String member) {
  /** At most this many live members share a group's flows. */
  public static final int MAX_COUNT = 64;

  public Share {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("share count " + count + " is outside 1.." + MAX_COUNT);
    }
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "share index " + index + " is outside 0.." + (count - 1) + " (count " + count + ")");
    }
    if (member == null || member.isEmpty()) {
      throw new IllegalArgumentException("a share names its member sensor");
    }
  }

  /** A share of one: every frame (the group has one live member). */
  public boolean everything() {
    return count == 1;
  }

  @Override
  public String toString() {
    return (index + 1) + "/" + count + " (" + member + ")";
  }
}
