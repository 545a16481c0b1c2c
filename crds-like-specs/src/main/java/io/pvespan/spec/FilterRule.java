package io.pvespan.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One rule of a session's {@code filter}; rules are evaluated in order and the first match wins.
 * With a filter present, traffic that matches no rule is not mirrored. {@code cidr} matches the
 * source or destination address, {@code ports} the source or destination port.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FilterRule(Action action, Protocol protocol, String cidr, List<Integer> ports) {
  public FilterRule {
    Objects.requireNonNull(action, "action");
    ports = ports == null ? null : List.copyOf(ports);
    if (ports != null) {
      for (int p : ports) {
        if (p < 1 || p > 65535) {
          throw new IllegalArgumentException("port " + p + " is outside 1..65535");
        }
      }
      if (protocol != Protocol.TCP && protocol != Protocol.UDP && protocol != Protocol.SCTP) {
        throw new IllegalArgumentException("ports need protocol tcp, udp or sctp");
      }
    }
  }

  /** accept: mirror what matches; drop: do not mirror it (the VM's traffic is never dropped). */
  public enum Action {
    ACCEPT,
    DROP;

    @JsonCreator
    public static Action parse(String text) {
      return FilterRule.parse(Action.class, text);
    }

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** IP protocol; {@code number()} is the IANA protocol number used by u32 matches. */
  public enum Protocol {
    TCP(6),
    UDP(17),
    ICMP(1),
    SCTP(132);

    private final int number;

    Protocol(int number) {
      this.number = number;
    }

    public int number() {
      return number;
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
