package io.pvespan.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pvespan.model.Direction;
import io.pvespan.spec.FilterRule;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Frames a mirror entry must <em>not</em> copy on one side, because another capture point already
 * delivers them to the same sensor (each packet once per sensor). {@code side}: which traffic of
 * the entry, seen from the VM ({@link Direction#INGRESS}: what it receives; {@link
 * Direction#EGRESS}: what it sends), never {@code both}. A frame is excluded when its Ethernet
 * source is one of {@code sourceMacs} (empty: any source) and it matches {@code filter} (empty:
 * every frame), with a session's filter meaning (first rule that matches decides, none = no match).
 *
 * <p>The planner writes two kinds: {@code sourceMacs} = the guests whose <em>sending</em> side is
 * already copied to the sensor by a session with filter {@code filter} (the packet is taken at its
 * sender), and no {@code sourceMacs} = a session of higher priority copying the same device and
 * side with {@code filter} (the packet is taken by that session).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Exclusion(Direction side, List<String> sourceMacs, List<FilterRule> filter) {
  private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

  public Exclusion {
    Objects.requireNonNull(side, "side");
    if (side == Direction.BOTH) {
      throw new IllegalArgumentException("an exclusion is for one side: ingress or egress");
    }
    sourceMacs =
        sourceMacs == null
            ? List.of()
            : sourceMacs.stream().map(Exclusion::mac).distinct().sorted().toList();
    filter = filter == null ? List.of() : List.copyOf(filter);
  }

  /** {@code mac} in lower case with colons; refuses anything else. */
  public static String mac(String mac) {
    String m = Objects.requireNonNull(mac, "mac").toLowerCase(Locale.ROOT);
    if (!MAC.matcher(m).matches()) {
      throw new IllegalArgumentException("'" + mac + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
    }
    return m;
  }
}
