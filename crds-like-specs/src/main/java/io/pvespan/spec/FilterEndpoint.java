package io.pvespan.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pvespan.model.PortSet;

/**
 * The {@code source} or {@code destination} of a filter rule: the address field of that side of the
 * packet lies in {@code cidr} (an IPv4 or IPv6 prefix, or one address), and its port in {@code
 * ports}. Either may be absent (any); both absent is refused (write no endpoint instead).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FilterEndpoint(String cidr, PortSet ports) {
  public FilterEndpoint {
    if (cidr == null && ports == null) {
      throw new IllegalArgumentException("an endpoint needs cidr, ports or both");
    }
    if (ports != null && ports.isEmpty()) {
      throw new IllegalArgumentException("an empty ports list matches no port; leave ports out");
    }
  }

  /** Whether {@code cidr} is an IPv6 prefix (null when there is none). */
  public Boolean ipv6() {
    return cidr == null ? null : cidr.contains(":");
  }
}
