package io.pvespan.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.pvespan.model.Direction;
import io.pvespan.model.PortSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One rule of a session's {@code filter}, read like an AWS traffic-mirror filter rule. Rules are
 * evaluated lowest {@code number} first (in list order when no rule has a number) and the first
 * match wins; with a filter present, traffic that matches no rule is not mirrored.
 *
 * <p>A rule matches a frame when every field it has matches: {@code direction} (seen from the VM,
 * absent = both), {@code protocol}, {@code source} (the packet's source address and port), {@code
 * destination} (its destination address and port). {@code symmetric} also matches the reply
 * packets, source and destination swapped. The older fields {@code cidr} and {@code ports} match
 * the source <em>or</em> the destination side and cannot be combined with source/destination.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FilterRule(
    Integer number,
    Action action,
    Direction direction,
    Protocol protocol,
    FilterEndpoint source,
    FilterEndpoint destination,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean symmetric,
    String cidr,
    PortSet ports) {
  public static final int MAX_NUMBER = 32766;

  public FilterRule {
    Objects.requireNonNull(action, "action");
    symmetric = Boolean.TRUE.equals(symmetric);
    if (ports != null && ports.isEmpty()) {
      ports = null; // the older "ports: []" put no condition on ports
    }
    if (number != null && (number < 1 || number > MAX_NUMBER)) {
      throw new IllegalArgumentException("rule number " + number + " is outside 1.." + MAX_NUMBER);
    }
    if ((cidr != null || ports != null) && (source != null || destination != null)) {
      throw new IllegalArgumentException(
          "cidr and ports (either side) cannot be combined with source or destination");
    }
    boolean anyPorts =
        ports != null
            || (source != null && source.ports() != null)
            || (destination != null && destination.ports() != null);
    if (anyPorts && !Protocol.hasPorts(protocol)) {
      throw new IllegalArgumentException("ports need protocol tcp, udp or sctp");
    }
    if (source != null
        && destination != null
        && source.ipv6() != null
        && destination.ipv6() != null
        && !source.ipv6().equals(destination.ipv6())) {
      throw new IllegalArgumentException(
          "source and destination cidr are of different IP versions: the rule can never match");
    }
  }

  /** The rule as the older form wrote it: cidr and ports on either side, no number. */
  public FilterRule(Action action, Protocol protocol, String cidr, List<Integer> ports) {
    this(
        null,
        action,
        null,
        protocol,
        null,
        null,
        null,
        cidr,
        ports == null ? null : PortSet.of(ports.stream().mapToInt(Integer::intValue).toArray()));
  }

  /** The direction this rule applies to, seen from the VM (absent = both). */
  public Direction appliesTo() {
    return direction == null ? Direction.BOTH : direction;
  }

  /** accept: mirror what matches; reject (or drop, its older name): do not mirror it. */
  public enum Action {
    ACCEPT,
    REJECT,
    DROP;

    @JsonCreator
    public static Action parse(String text) {
      return FilterRule.parse(Action.class, text);
    }

    /** Whether matching frames are mirrored. */
    public boolean mirrors() {
      return this == ACCEPT;
    }

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * IP protocol; {@code number()} is the IANA protocol number (IPv4 protocol, IPv6 next header).
   */
  public enum Protocol {
    TCP(6),
    UDP(17),
    ICMP(1),
    SCTP(132),
    ICMPV6(58);

    private final int number;

    Protocol(int number) {
      this.number = number;
    }

    public int number() {
      return number;
    }

    static boolean hasPorts(Protocol p) {
      return p == TCP || p == UDP || p == SCTP;
    }

    @JsonCreator
    public static Protocol parse(String text) {
      return FilterRule.parse(Protocol.class, text);
    }

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String text) {
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(text)) {
        return e;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not a valid " + type.getSimpleName());
  }
}
